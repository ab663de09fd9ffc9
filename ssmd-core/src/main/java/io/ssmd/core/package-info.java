/** Configuration, subjects, the NATS JetStream bus, metrics and database access shared by every module. */
package io.ssmd.core;
