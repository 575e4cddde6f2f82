package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;

/** The Reactor Netty {@link BraintrustClient}'s options; loaded only when that client is chosen. */
final class NettyTransportOptions {
  private NettyTransportOptions() {}

  static TransportOptions create(String apiKey, String apiUrl) {
    BraintrustClientBuilder b = BraintrustClient.builder().apiKey(apiKey).baseUrl(apiUrl);
    return new TransportOptions(
        b::orgName, b::header, b::gzipLevel, b::trustedCertificates, b::build);
  }
}
