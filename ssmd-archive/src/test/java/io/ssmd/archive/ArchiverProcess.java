package io.ssmd.archive;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.ssmd.core.config.StorageSettings;
import io.ssmd.core.nats.NatsConnections;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A lone archiver in a JVM of its own, for the crash test: {@code ArchiverProcess NATS_URL ENV FEED STREAM ROOT}.
 * It prints {@code started} and runs until it is killed.
 */
public final class ArchiverProcess {

    private ArchiverProcess() {}

    public static void main(String[] args) throws Exception {
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "archiver-process",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        Connection nats = NatsConnections.connect(args[0], "archiver-process", Duration.ofMillis(100));
        ArchiverHarness harness =
                new ArchiverHarness(args[1], args[2], args[3], Path.of(args[4]), StorageSettings.Format.GZIP);
        harness.start(system, nats);
        System.out.println("started");
        System.out.flush();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
