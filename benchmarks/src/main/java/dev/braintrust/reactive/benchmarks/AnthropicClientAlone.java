package dev.braintrust.reactive.benchmarks;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.Message;
import com.anthropic.services.blocking.MessageService;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.anthropic.BraintrustAnthropic;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Anthropic wrapper alone, without the SDK's own work or a network: a client stub whose {@code
 * messages().create} answers at once with the benchmark's reply (parsed once, as the SDK would
 * parse it), called directly and through {@link BraintrustAnthropic#wrap}. The wrapper sits at the
 * client's interfaces, so this is everything it does on the caller's thread; with a call of a few
 * µs instead of a few hundred, the caller-CPU difference stands out of a loaded machine's noise.
 */
final class AnthropicClientAlone implements WrapperInterleaved.Alone {
  private final BraintrustExporter exporter = Loopback.ackingExporter(100_000);
  private final AnthropicClient plain;
  private final AnthropicClient traced;

  AnthropicClientAlone() {
    Message reply;
    try {
      reply = ObjectMappers.jsonMapper().readValue(AnthropicWrapperBenchmark.REPLY, Message.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    plain = Stubs.answering(AnthropicClient.class, Stubs.answering(MessageService.class, reply));
    traced =
        BraintrustAnthropic.wrap(plain, Tracer.create(exporter, Destination.projectLogs("bench")));
  }

  @Override
  public Object unwrapped() {
    return plain.messages().create(AnthropicWrapperBenchmark.REQUEST);
  }

  @Override
  public Object wrapped() {
    return traced.messages().create(AnthropicWrapperBenchmark.REQUEST);
  }

  @Override
  public void flush() {
    WrapperInterleaved.flush(exporter);
  }

  @Override
  public void close() {
    exporter.close();
  }
}
