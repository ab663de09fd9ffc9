package io.ssmd.core.shard;

import io.nats.client.Connection;
import io.ssmd.core.meta.SecurityMaster;

/**
 * Where a {@link FeedManager} takes a feed's instruments when the environment lists none and the venue supplies a
 * {@link MarketSelection} (DESIGN §15): the security master's rows, then its change events on NATS.
 *
 * @param master the node's security master (blocking: the manager reads it on the blocking dispatcher)
 * @param nats   the connection the events are consumed on
 * @param env    the environment's name, the first token of {@code {env}.secmaster.{feed}.>}
 */
public record SecmasterSource(SecurityMaster master, Connection nats, String env) {}
