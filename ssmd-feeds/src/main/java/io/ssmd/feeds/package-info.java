/**
 * Venue connectors, one package per venue (kalshi, kraken, krakenfutures, polymarket), each with the
 * client side of its protocol and the replay-server side. The connectors arrive with their issues.
 */
package io.ssmd.feeds;
