package io.ssmd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ssmd.core.CborSerializable;
import io.ssmd.core.FirstVersion;
import io.ssmd.core.settings.NodeConfig;
import io.ssmd.core.shard.FeedManager;
import io.ssmd.core.shard.FeedShard;
import io.ssmd.core.shard.ShardHealth;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonMigration;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Messages that cross nodes carry a version (issue 18 item 3): every {@link CborSerializable} type of every module that
 * another node can send (all but the private, node-local ones) has a Jackson migration in the node's configuration,
 * so it is sent with its version; a message of the build before (no version in its manifest) is read, and so is one
 * of a next version that only adds a field, as nodes of two builds exchange them during a rolling update.
 */
class CrossNodeMessagesTest {

    /** The node's own serialization settings, on a free remoting port. */
    private static final Config NODE =
            NodeConfig.forNode(NodeConfig.layered(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0")));

    private static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "cross-node-messages", NODE);

    private final Serialization serialization = SerializationExtension.get(Adapter.toClassic(SYSTEM));
    private final ObjectMapper cbor =
            JacksonObjectMapperProvider.get(SYSTEM).getOrCreate("jackson-cbor", Optional.empty());

    @AfterAll
    static void shutdown() {
        SYSTEM.terminate();
        SYSTEM.getWhenTerminated().toCompletableFuture().join();
    }

    @Test
    void everyMessageTypeThatCrossesNodesHasAVersion() throws Exception {
        Config migrations = NODE.getConfig("pekko.serialization.jackson.migrations");
        List<String> crossing = crossingTypes();
        System.out.println("message types that cross nodes: " + crossing);

        assertThat(crossing)
                .as("found by scanning the class path")
                .contains(
                        FeedShard.Start.class.getName(),
                        FeedShard.Stop.class.getName(),
                        FeedShard.Renew.class.getName(),
                        FeedShard.Renewed.class.getName(),
                        ShardHealth.class.getName(),
                        FeedManager.ChangeInstruments.class.getName(),
                        "io.ssmd.archive.ArchiverSingleton$Stop",
                        "io.ssmd.feeds.kalshi.KalshiLifecycleWatcher$Frame");
        List<String> unversioned = crossing.stream()
                .filter(type -> !migrations.hasPath("\"" + type + "\""))
                .toList();
        assertThat(unversioned)
                .as("types without a migration in pekko.serialization.jackson.migrations (ssmd-pekko.conf)")
                .isEmpty();
        for (String type : crossing) {
            String migration = migrations.getString("\"" + type + "\"");
            assertThat(JacksonMigration.class.isAssignableFrom(Class.forName(migration)))
                    .as("%s's migration %s", type, migration)
                    .isTrue();
        }
    }

    @Test
    void eachIsSentWithItsVersion() {
        ShardHealth health = health();

        Serializer serializer = serialization.findSerializerFor(health);

        assertThat(((SerializerWithStringManifest) serializer).manifest(health))
                .isEqualTo(ShardHealth.class.getName() + "#1");
        assertThat(((SerializerWithStringManifest) serializer).manifest(FeedShard.Stop.INSTANCE))
                .isEqualTo(FeedShard.Stop.class.getName() + "#1");
    }

    @Test
    void messagesOfTheBuildBeforeWithoutAVersionAreRead() throws Exception {
        ShardHealth health = health();
        FeedManager.ChangeInstruments change = new FeedManager.ChangeInstruments(List.of("KXA-1"), List.of("KXB-2"));

        assertThat(readAsPreviousBuildWroteIt(health)).isEqualTo(health);
        assertThat(readAsPreviousBuildWroteIt(change)).isEqualTo(change);
        assertThat(readAsPreviousBuildWroteIt(FeedShard.Stop.INSTANCE)).isEqualTo(FeedShard.Stop.INSTANCE);
        FeedShard.Renewed renewed = new FeedShard.Renewed(
                "kalshi-0",
                true,
                1_767_225_600_000_000L,
                1_767_225_660_000_000L,
                java.time.Duration.ofMillis(1500),
                "");
        assertThat(readAsPreviousBuildWroteIt(renewed)).isEqualTo(renewed);
        Object archiverStop =
                Class.forName("io.ssmd.archive.ArchiverSingleton$Stop").getEnumConstants()[0];
        assertThat(readAsPreviousBuildWroteIt(archiverStop)).isSameAs(archiverStop);
    }

    @Test
    void aNextVersionThatOnlyAddsAFieldIsReadByThisBuild() throws Exception {
        ShardHealth health = health();
        @SuppressWarnings("unchecked")
        Map<String, Object> v2 = cbor.convertValue(health, Map.class);
        v2.put("zone", "eu-west-1a");
        Serializer serializer = serialization.findSerializerFor(health);

        Object read = serialization
                .deserialize(cbor.writeValueAsBytes(v2), serializer.identifier(), ShardHealth.class.getName() + "#2")
                .get();

        assertThat(read).isEqualTo(health);
        assertThat(new FirstVersion().supportedForwardVersion()).isEqualTo(2);
    }

    /** The bytes the build before wrote (the same CBOR), under its manifest: the class name, no version. */
    private Object readAsPreviousBuildWroteIt(Object message) throws Exception {
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serializer.toBinary(message);
        return serialization
                .deserialize(bytes, serializer.identifier(), message.getClass().getName())
                .get();
    }

    private static ShardHealth health() {
        return new ShardHealth(
                "kraken",
                "kraken-0",
                "node-2",
                ShardHealth.STREAMING,
                1_767_225_600_000L,
                12,
                Map.of("book", 10L),
                1,
                List.of("BTC/USD"),
                Map.of(),
                "",
                1_767_225_601_000L);
    }

    /** Every concrete, non-private CborSerializable class of ssmd on the class path (ssmd-app sees every module). */
    private static List<String> crossingTypes() throws IOException, ClassNotFoundException {
        TreeSet<String> names = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            // The modules' main classes only: a test's own messages are no part of a node.
            if (Files.isDirectory(path)
                    && !path.getFileName().toString().equals("test-classes")
                    && Files.isDirectory(path.resolve("io/ssmd"))) {
                try (Stream<Path> files = Files.walk(path.resolve("io/ssmd"))) {
                    files.map(f -> path.relativize(f).toString())
                            .filter(f -> f.endsWith(".class"))
                            .forEach(f -> names.add(className(f)));
                }
            } else if (entry.endsWith(".jar")
                    && path.getFileName().toString().startsWith("ssmd-")
                    && !entry.endsWith("-tests.jar")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    jar.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith("io/ssmd/") && n.endsWith(".class"))
                            .forEach(n -> names.add(className(n)));
                }
            }
        }
        List<String> crossing = new ArrayList<>();
        for (String name : names) {
            Class<?> type = Class.forName(name, false, CrossNodeMessagesTest.class.getClassLoader());
            if (CborSerializable.class.isAssignableFrom(type)
                    && !type.isInterface()
                    && !Modifier.isPrivate(type.getModifiers())
                    && !type.isAnonymousClass()) {
                crossing.add(name);
            }
        }
        return crossing;
    }

    private static String className(String file) {
        return file.substring(0, file.length() - ".class".length())
                .replace('/', '.')
                .replace('\\', '.');
    }
}
