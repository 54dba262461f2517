package io.dockernet.operator.docker;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link DockerGateway} that lets every call through to another one, except that at the k-th
 * Docker write (create, remove, connect, disconnect; counted from 1) it does what a fault would:
 * die before or after the call, answer with a refusal, answer with a timeout after the daemon did
 * the work, or let something join the network just before a remove. Deterministic: the same k and
 * the same calls give the same fault at the same step.
 */
public final class FaultPoint extends WritesGateway {

  /** What happens at the chosen write. */
  public enum Fault {
    /** The agent dies before the call (the call is not made). */
    DIE_BEFORE,
    /** The daemon does the work, then the agent dies before it hears the answer. */
    DIE_AFTER,
    /** The daemon refuses the call (HTTP 400 with a message). */
    REFUSE,
    /** The daemon does the work, but the answer never comes (a timeout). */
    TIMEOUT_AFTER,
    /**
     * Before a network remove: another party connects a container to that network, so Docker
     * refuses the remove ("has active endpoints"). At other writes: nothing.
     */
    JOIN_BEFORE_REMOVE
  }

  private static final Set<String> WRITES =
      Set.of("createNetwork", "removeNetwork", "connect", "disconnect");

  private final DockerGateway docker;
  private final int at;
  private final Fault fault;
  private final Consumer<String> die;
  private final Consumer<String> join;
  private final AtomicInteger writes = new AtomicInteger();
  private volatile Consumer<String> fired = where -> {};

  /**
   * @param at the write (from 1) the fault hits; 0 never
   * @param die what "the agent dies" means here: a thrown {@link DockerUnavailableException} in
   *     process, {@code Runtime.halt} or a SIGTERM to itself in an agent process; it gets a line
   *     saying where
   * @param join connects someone else's container to the network (by ID) before a remove
   */
  public FaultPoint(
      DockerGateway docker, int at, Fault fault, Consumer<String> die, Consumer<String> join) {
    this.docker = docker;
    this.at = at;
    this.fault = fault;
    this.die = die;
    this.join = join;
  }

  /** In process: dying is a thrown {@link DockerUnavailableException}. */
  public static FaultPoint inProcess(
      DockerGateway docker, int at, Fault fault, Consumer<String> join) {
    return new FaultPoint(
        docker,
        at,
        fault,
        where -> {
          throw new DockerUnavailableException("fault point: the agent died " + where, null);
        },
        join);
  }

  /** Called with a line saying where, when the fault hits (before it acts). */
  public FaultPoint onFire(Consumer<String> fired) {
    this.fired = fired;
    return this;
  }

  /** How many writes went through so far. */
  public int writes() {
    return writes.get();
  }

  @Override
  protected <T> T write(Write write, Supplier<T> call) {
    int n = writes.incrementAndGet();
    if (n != at) {
      return call.get();
    }
    String operation = write.operation();
    // The create names its network; the others are told by what they act on.
    String target = write.container() != null ? write.container() : write.network();
    String where = "at write " + n + " (" + operation + " " + target + ")";
    fired.accept(fault + " " + where);
    switch (fault) {
      case DIE_BEFORE -> {
        die.accept("before " + where);
        return call.get();
      }
      case DIE_AFTER -> {
        T result = call.get();
        die.accept("after " + where);
        return result;
      }
      case REFUSE -> throw new DockerRejectedException("fault point: refused " + where, null);
      case TIMEOUT_AFTER -> {
        call.get();
        throw new DockerUnavailableException("fault point: no answer " + where, null);
      }
      case JOIN_BEFORE_REMOVE -> {
        if (operation.equals("removeNetwork")) {
          join.accept(target);
        }
        return call.get();
      }
      default -> throw new IllegalStateException(fault.name());
    }
  }

  @Override
  protected DockerGateway delegate() {
    return docker;
  }

  /** Whether {@code operation} counts as a write. */
  public static boolean isWrite(String operation) {
    return WRITES.contains(operation);
  }
}
