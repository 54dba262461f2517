package io.dockernet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.node.AgentOnFakeDocker;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** How both roles start and stop their JOSDK operator, on a real API server. */
class OperatorsTest {

  @Test
  void josdksTimerPoolKeepsAThreadThatSleepsUntilATaskIsDueAndStopsWithTheOperator() {
    Operator operator =
        Operators.create(AgentOnFakeDocker.kube(), null, 1, new SimpleMeterRegistry());
    operator.register(new ConfigMaps());

    Operators.start(operator);
    ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor) Operators.timers(operator);
    // Without a core thread the pool's worker polls every 10 ms while a task waits.
    assertThat(timers.getCorePoolSize()).isEqualTo(1);
    assertThat(timers.getQueue()).as("the informer's periodic check").isNotEmpty();

    Operators.stop(operator, "test");
    assertThat(timers.isShutdown()).isTrue();
  }

  /** Any reconciler: JOSDK starts no operator without one. */
  @ControllerConfiguration(name = "operators-test")
  static final class ConfigMaps implements Reconciler<ConfigMap> {
    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context) {
      return UpdateControl.noUpdate();
    }
  }
}
