/** {@code /v1/meta/*}: the metadata layer (DESIGN §14) over HTTP, read-only, as JSON. */
package io.ssmd.http.meta;
