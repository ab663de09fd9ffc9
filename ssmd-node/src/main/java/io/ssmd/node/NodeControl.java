package io.ssmd.node;

import io.ssmd.core.CborSerializable;
import io.ssmd.http.gateway.Gateway;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A node's end of the daily cycle's teardown (DESIGN §17): every node registers one with the receptionist under
 * {@link #key(String)}, so that the scheduler, wherever it runs, reaches every node's gateway: {@link Drain} closes its
 * WebSocket clients with the reason and refuses new ones (503 with the reason), {@link Reopen} takes them again. A node
 * without a gateway answers at once.
 */
final class NodeControl extends AbstractBehavior<NodeControl.Command> {

    /** What the scheduler asks. Crosses nodes (version 1). */
    sealed interface Command extends CborSerializable {}

    record Drain(String reason, ActorRef<Done> replyTo) implements Command {}

    record Reopen(ActorRef<Done> replyTo) implements Command {}

    /** What the node did. */
    record Done(String node, String detail) implements CborSerializable {}

    /** {@code node-control-{env}}: the nodes of one environment. */
    static ServiceKey<Command> key(String environment) {
        return ServiceKey.create(Command.class, "node-control-" + environment);
    }

    private final String node;
    private final Optional<Gateway> gateway;

    static Behavior<Command> create(String environment, String node, Optional<Gateway> gateway) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(key(environment), context.getSelf()));
            return new NodeControl(context, node, gateway);
        });
    }

    private NodeControl(ActorContext<Command> context, String node, Optional<Gateway> gateway) {
        super(context);
        this.node = node;
        this.gateway = gateway;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Drain.class, this::onDrain)
                .onMessage(Reopen.class, this::onReopen)
                .build();
    }

    private Behavior<Command> onDrain(Drain drain) {
        String detail = gateway.map(g -> "gateway drained, " + g.core().drain(drain.reason()) + " clients closed")
                .orElse("no gateway");
        getContext().getLog().info("{}: {} ({})", node, detail, drain.reason());
        drain.replyTo().tell(new Done(node, detail));
        return this;
    }

    private Behavior<Command> onReopen(Reopen reopen) {
        gateway.ifPresent(g -> g.core().reopen());
        String detail = gateway.isPresent() ? "gateway open" : "no gateway";
        getContext().getLog().info("{}: {}", node, detail);
        reopen.replyTo().tell(new Done(node, detail));
        return this;
    }
}
