package dev.braintrust.reactive.otel.autoconfigure.internal;

import dev.braintrust.reactive.core.export.Transport;
import dev.braintrust.reactive.transport.jdk.JdkTransport;
import dev.braintrust.reactive.transport.jdk.JdkTransportBuilder;
import io.opentelemetry.api.impl.InstrumentationUtil;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The connection options both transports take, so {@link Settings} reads and checks each once. The
 * Reactor Netty one lives in {@link NettyTransportOptions}, a class of its own, so that it is
 * loaded only when chosen: the agent extension bundles no Netty.
 */
record TransportOptions(
    Consumer<String> orgName,
    BiConsumer<String, String> header,
    IntConsumer gzipLevel,
    Consumer<Path> trustedCertificates,
    Supplier<Transport> build) {
  /**
   * The Reactor Netty client's class: present unless the application (or the agent) left it out.
   */
  static final String NETTY_CLIENT = "reactor.netty.http.client.HttpClient";

  /** Our client over it. */
  static final String BRAINTRUST_CLIENT = "dev.braintrust.reactive.transport.BraintrustClient";

  /** Whether the Reactor Netty client can be used from this class loader. */
  static boolean nettyPresent() {
    ClassLoader loader = TransportOptions.class.getClassLoader();
    try {
      Class.forName(NETTY_CLIENT, false, loader);
      Class.forName(BRAINTRUST_CLIENT, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Runs a task with OpenTelemetry instrumentation suppressed: the Java agent instruments the JDK
   * HttpClient, and without this every insert would become a span, exported in its turn. The OTel
   * exporters do the same. An OpenTelemetry API older than 1.63 lacks the public switch: the task
   * then runs as it is.
   */
  static Consumer<Runnable> untraced() {
    try {
      return InstrumentationUtil::suppressInstrumentation;
    } catch (LinkageError olderApi) {
      return Runnable::run;
    }
  }

  /** The JDK HttpClient transport's options. */
  static TransportOptions jdk(String apiKey, String apiUrl) {
    JdkTransportBuilder b =
        JdkTransport.builder().apiKey(apiKey).baseUrl(apiUrl).requestScope(untraced());
    return new TransportOptions(
        b::orgName, b::header, b::gzipLevel, b::trustedCertificates, b::build);
  }
}
