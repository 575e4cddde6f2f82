package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustException;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The testkit served over HTTPS with certificates from a test CA (src/test/resources/tls, made by
 * generate.sh): refused with the JVM's default trust, accepted once the CA is given, host names
 * still checked, client certificates for mutual TLS, and TLS through a CONNECT proxy.
 */
class TlsTest {
  static final Duration T = Duration.ofSeconds(10);
  static final char[] PW = "changeit".toCharArray();

  static KeyStore store(String name) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = TlsTest.class.getResourceAsStream("/tls/" + name)) {
      ks.load(in, PW);
    }
    return ks;
  }

  static Path caPem() throws Exception {
    return Path.of(TlsTest.class.getResource("/tls/ca.pem").toURI());
  }

  static KeyStore caStore() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = TlsTest.class.getResourceAsStream("/tls/ca.pem")) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    return ks;
  }

  static BraintrustTestServer https(String keyStore, boolean requireClientCertificate)
      throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store(keyStore), PW);
    SslContextBuilder b = SslContextBuilder.forServer(kmf);
    if (requireClientCertificate) {
      b.trustManager(caPem().toFile()).clientAuth(ClientAuth.REQUIRE);
    }
    return BraintrustTestServer.builder().tls(b.build()).build().start();
  }

  static BraintrustClientBuilder client(BraintrustTestServer server) {
    return BraintrustClient.builder()
        .apiKey(server.apiKey())
        .baseUrl(server.baseUrl())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  static Throwable failure(BraintrustClient client) {
    return client.projects().list().then().materialize().block(T).getThrowable();
  }

  @Test
  void aServerSignedByAnUnknownCaIsRefusedOnceWithAClearError() throws Exception {
    try (BraintrustTestServer server = https("server.p12", false)) {
      assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      BraintrustClient client = client(server).meterRegistry(registry).build();

      Throwable e = failure(client);

      assertThat(e)
          .isExactlyInstanceOf(BraintrustException.class)
          .hasMessageStartingWith(
              "TLS to " + server.baseUrl() + " failed: the server's certificate was refused (")
          .hasMessageContaining("trustedCertificates(...)");
      // Not retried: the certificate won't change on the next attempt.
      assertThat(registry.get("braintrust.http.requests").timer().count()).isEqualTo(1);
      assertThat(server.requests()).isEmpty();
      client.close();
    }
  }

  @Test
  void theCaGivenAsPemOrTrustStoreIsTrusted() throws Exception {
    try (BraintrustTestServer server = https("server.p12", false)) {
      BraintrustClient pem = client(server).trustedCertificates(caPem()).build();
      BraintrustClient store = client(server).trustStore(caStore()).build();
      BraintrustClient context =
          client(server)
              .sslContext(SslContextBuilder.forClient().trustManager(caPem().toFile()).build())
              .build();

      for (BraintrustClient c : new BraintrustClient[] {pem, store, context}) {
        assertThat(
                c.resource(Resource.PROJECT)
                    .create(Map.of("name", "tls"))
                    .block(T)
                    .path("name")
                    .asText())
            .isEqualTo("tls");
        c.close();
      }
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void theHostNameIsStillVerifiedWithATrustedCa() throws Exception {
    try (BraintrustTestServer server = https("wrong-host.p12", false)) {
      BraintrustClient client = client(server).trustedCertificates(caPem()).build();
      BraintrustClient context =
          client(server)
              .sslContext(SslContextBuilder.forClient().trustManager(caPem().toFile()).build())
              .build();

      for (BraintrustClient c : new BraintrustClient[] {client, context}) {
        assertThat(failure(c))
            .isExactlyInstanceOf(BraintrustException.class)
            .hasMessageContaining("the server's certificate was refused")
            .hasMessageContaining("127.0.0.1");
        c.close();
      }
      assertThat(server.requests()).isEmpty();
    }
  }

  @Test
  void aClientCertificateIsPresentedForMutualTls() throws Exception {
    try (BraintrustTestServer server = https("server.p12", true)) {
      BraintrustClient without = client(server).trustedCertificates(caPem()).build();
      BraintrustClient with =
          client(server)
              .trustedCertificates(caPem())
              .clientCertificate(store("client.p12"), "changeit".toCharArray())
              .build();

      assertThat(failure(without))
          .isExactlyInstanceOf(BraintrustException.class)
          .hasMessageStartingWith(
              "TLS to "
                  + server.baseUrl()
                  + " failed: the server refused the client certificate, or wants one (")
          .hasMessageEndingWith(
              "give one it accepts with BraintrustClientBuilder.clientCertificate(...)");
      assertThat(
              with.resource(Resource.PROJECT)
                  .create(Map.of("name", "mtls"))
                  .block(T)
                  .path("name")
                  .asText())
          .isEqualTo("mtls");
      assertThat(server.requests()).hasSize(1);
      without.close();
      with.close();
    }
  }

  @Test
  void tlsRunsEndToEndThroughAConnectProxy() throws Exception {
    try (BraintrustTestServer server = https("server.p12", false);
        TestProxy proxy = TestProxy.open()) {
      BraintrustClient client =
          client(server).trustedCertificates(caPem()).proxy(proxy.options().build()).build();

      client.resource(Resource.PROJECT).create(Map.of("name", "tunnel")).block(T);

      assertThat(server.requests()).hasSize(1);
      assertThat(proxy.seen)
          .extracting(TestProxy.Seen::method, TestProxy.Seen::target)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("CONNECT", "127.0.0.1:" + server.port()));
      client.close();
    }
  }

  @Test
  void tlsOptionsAreCheckedWhenSetAndBuilt() throws Exception {
    assertThatThrownBy(
            () ->
                BraintrustClient.builder()
                    .apiKey("k")
                    .baseUrl("http://127.0.0.1:1")
                    .trustedCertificates(caPem())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TLS options apply to https only, but baseUrl 'http://127.0.0.1:1' is plain http");
    SslContext client = SslContextBuilder.forClient().build();
    assertThatThrownBy(
            () ->
                BraintrustClient.builder()
                    .apiKey("k")
                    .trustStore(caStore())
                    .sslContext(client)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sslContext replaces trustStore, trustedCertificates and clientCertificate; set one or"
                + " the others");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store("server.p12"), PW);
    SslContext serverSide = SslContextBuilder.forServer(kmf).build();
    assertThatThrownBy(() -> BraintrustClient.builder().sslContext(serverSide))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sslContext must be a client context (SslContextBuilder.forClient())");
    assertThatThrownBy(
            () -> BraintrustClient.builder().trustedCertificates(Path.of("/no/such.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trustedCertificates: cannot read certificates from /no/such.pem");
    assertThatThrownBy(() -> BraintrustClient.builder().trustStore(KeyStore.getInstance("PKCS12")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trustStore cannot be used");
    assertThatThrownBy(
            () ->
                BraintrustClient.builder()
                    .clientCertificate(store("client.p12"), "wrong-password".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clientCertificate cannot be used")
        .message()
        .doesNotContain("wrong-password");
  }
}
