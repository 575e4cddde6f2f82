package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;
import java.nio.file.Path;

/** The Reactor Netty {@link BraintrustClient}'s options; loaded only when that client is chosen. */
final class NettyTransportOptions implements TransportOptions {
  private final BraintrustClientBuilder b;

  NettyTransportOptions(String apiKey, String apiUrl) {
    this.b = BraintrustClient.builder().apiKey(apiKey).baseUrl(apiUrl);
  }

  @Override
  public void orgName(String name) {
    b.orgName(name);
  }

  @Override
  public void header(String name, String value) {
    b.header(name, value);
  }

  @Override
  public void gzipLevel(int level) {
    b.gzipLevel(level);
  }

  @Override
  public void trustedCertificates(Path pemFile) {
    b.trustedCertificates(pemFile);
  }

  @Override
  public Transport build() {
    return b.build();
  }
}
