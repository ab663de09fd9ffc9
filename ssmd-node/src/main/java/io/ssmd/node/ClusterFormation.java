package io.ssmd.node;

import io.ssmd.core.settings.ClusterSettings;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node comes to its cluster (DESIGN §13): Pekko Management's HTTP endpoint first (the probes' {@code /ready} and
 * {@code /alive}, {@code /cluster/members}, the bootstrap's contact point), then either the cluster bootstrap with
 * Kubernetes API discovery or the configured seed nodes (joined by Pekko itself; a node with none joins itself when
 * its connector side starts).
 */
final class ClusterFormation {

    private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

    private ClusterFormation() {}

    /**
     * @throws IllegalStateException when the management endpoint cannot listen (its port taken: {@code
     *                               pekko.management.http.port}, or {@code ssmd run --management-port})
     */
    static void start(ActorSystem<?> system, ClusterSettings cluster) {
        org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
        Uri uri;
        try {
            uri = PekkoManagement.get(classic).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Pekko Management could not listen on "
                            + system.settings().config().getString("pekko.management.http.hostname") + ":"
                            + system.settings().config().getString("pekko.management.http.port")
                            + " (pekko.management.http.port, SSMD_MANAGEMENT_PORT or ssmd run --management-port): "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Pekko Management did not start within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Pekko Management", e);
        }
        log.info("management (probes /ready and /alive, /cluster/members) on {}", uri);
        if (cluster.bootstrap() == ClusterSettings.Bootstrap.KUBERNETES) {
            log.info(
                    "cluster bootstrap: contact points from the Kubernetes API, pods labelled {} (service {})",
                    system.settings().config().getString("pekko.discovery.kubernetes-api.pod-label-selector"),
                    system.settings()
                            .config()
                            .getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
            ClusterBootstrap.get(classic).start();
        } else if (!cluster.seedNodes().isEmpty()) {
            log.info("cluster: joining through the seed nodes {}", cluster.seedNodes());
        }
    }
}
