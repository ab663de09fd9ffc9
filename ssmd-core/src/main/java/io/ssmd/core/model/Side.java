package io.ssmd.core.model;

/** The aggressor of a trade, when the venue says. */
public enum Side {
    BUY,
    SELL,
    UNKNOWN
}
