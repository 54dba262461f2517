package io.dockernet.operator.testbed;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives an {@code *IT} the shared {@link TestBed} (started once per JVM): annotate the class with
 * {@code @ExtendWith(TestBedExtension.class)} and take {@link TestBed} or {@link KubernetesClient}
 * as a parameter of a test, lifecycle method or constructor.
 *
 * <pre>{@code
 * @ExtendWith(TestBedExtension.class)
 * class SomethingIT {
 *   @BeforeEach
 *   void clean(TestBed bed) {
 *     bed.cleanDocker();
 *   }
 * }
 * }</pre>
 */
public final class TestBedExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    TestBed.get();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestBed.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestBed bed = TestBed.get();
    return parameter.getParameter().getType() == TestBed.class ? bed : bed.kubernetesClient();
  }
}
