package io.ssmd.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.ssmd.core.settings.NodeConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A shard's assignment crosses nodes as versioned Jackson CBOR, its instruments' attributes with it. */
class StartSerializationTest {

    /** The node's own serialization settings, on a free remoting port (the default 25520 may be any node's here). */
    private static final ActorTestKit KIT = ActorTestKit.create(
            "start-serialization",
            NodeConfig.forNode(
                    NodeConfig.layered(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0"))));

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private final Serialization serialization =
            SerializationExtension.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(KIT.system()));

    @Test
    void aStartRoundTripsWithItsAttributesAsVersion2() {
        FeedShard.Start start = new FeedShard.Start(
                "kalshi",
                3,
                List.of("KXBTCD-26AUG2017-T60000.99", "KXHIGHNY-26AUG20-T1000"),
                Map.of(
                        "KXBTCD-26AUG2017-T60000.99",
                        Map.of(FeedShard.Start.CATEGORY, "Crypto", FeedShard.Start.SERIES, "KXBTCD"),
                        "NOT-IN-THIS-SHARD",
                        Map.of(FeedShard.Start.CATEGORY, "Economics")));
        Serializer serializer = serialization.findSerializerFor(start);
        String manifest = ((SerializerWithStringManifest) serializer).manifest(start);
        byte[] bytes = serializer.toBinary(start);

        assertThat(manifest).endsWith("#" + StartMigration.VERSION);
        FeedShard.Start back = (FeedShard.Start) serialization
                .deserialize(bytes, serializer.identifier(), manifest)
                .get();
        assertThat(back).isEqualTo(start);
        assertThat(back.attributes())
                .as("only the shard's own instruments' attributes travel")
                .containsOnlyKeys("KXBTCD-26AUG2017-T60000.99");
    }

    @Test
    void aVersion1StartFromAnOlderNodeReadsAsOneWithoutAttributes() throws Exception {
        ObjectMapper cbor = JacksonObjectMapperProvider.get(KIT.system()).getOrCreate("jackson-cbor", Optional.empty());
        byte[] v1 = cbor.writeValueAsBytes(Map.of(
                "feed", "kalshi", "index", 0, "instruments", List.of("KXBTCD-26AUG2017-T60000.99"), "companion", ""));
        Serializer serializer = serialization.findSerializerFor(new FeedShard.Start("kalshi", 0, List.of()));

        FeedShard.Start read = (FeedShard.Start) serialization
                .deserialize(v1, serializer.identifier(), FeedShard.Start.class.getName())
                .get();
        assertThat(read).isEqualTo(new FeedShard.Start("kalshi", 0, List.of("KXBTCD-26AUG2017-T60000.99")));
        assertThat(read.attributes()).isEmpty();
    }
}
