package dev.braintrust.reactive.transport.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

/**
 * The client's configurations, built once: Reactor Netty copies its whole configuration on each
 * {@code headers(...)}, so the headers every request of a kind carries are set here, not per
 * request (only an impersonated user's header still is).
 */
record HttpClients(HttpClient plain, HttpClient json, HttpClient gzipJson, HttpClient sse) {
  static HttpClients of(HttpClient plain) {
    HttpClient json = plain.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
    return new HttpClients(
        plain,
        json,
        json.headers(h -> h.set(HttpHeaderNames.CONTENT_ENCODING, "gzip")),
        json.headers(h -> h.set(HttpHeaderNames.ACCEPT, "text/event-stream")));
  }

  /** {@code client} acting for {@code impersonate}, when given. */
  static HttpClient as(HttpClient client, @Nullable String impersonate) {
    return impersonate == null
        ? client
        : client.headers(h -> h.set(RequestHeaders.IMPERSONATE_USER, impersonate));
  }
}
