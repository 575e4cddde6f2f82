package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class TracedProxyTest {
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));

  interface Assistant {
    @Traced(type = SpanType.LLM)
    String answer(String question, @Traced.Exclude String apiKey);

    @Traced(name = "lookup")
    Mono<Integer> lookup(int id);

    @Traced
    Flux<String> stream(int n);

    @Traced
    CompletableFuture<String> later(String v);

    @Traced
    String fails();

    String untraced();

    @Traced
    Mono<String> composite(String q);
  }

  final class Impl implements Assistant {
    Assistant self;

    @Override
    public String answer(String question, String apiKey) {
      return "A:" + question;
    }

    @Override
    public Mono<Integer> lookup(int id) {
      return Mono.just(id * 2).publishOn(Schedulers.parallel());
    }

    @Override
    public Flux<String> stream(int n) {
      return Flux.range(0, n).map(i -> "s" + i);
    }

    @Override
    public CompletableFuture<String> later(String v) {
      return CompletableFuture.supplyAsync(() -> v + "!");
    }

    @Override
    public String fails() {
      throw new IllegalArgumentException("no");
    }

    @Override
    public String untraced() {
      return "plain";
    }

    @Override
    public Mono<String> composite(String q) {
      return self.lookup(q.length())
          .flatMap(n -> Tracing.fromCallable(() -> self.answer(q + n, "k")));
    }
  }

  Assistant proxy() {
    Impl impl = new Impl();
    Assistant p = tracer.instrument(Assistant.class, impl);
    impl.self = p;
    return p;
  }

  @Test
  void syncMethodLogsArgumentsByNameExceptExcludedOnesAndTheResult() {
    assertThat(proxy().answer("hi", "secret")).isEqualTo("A:hi");

    BraintrustEvent e = sink.byName("Assistant.answer");
    assertThat(e.spanType()).isEqualTo("llm");
    assertThat(e.input()).isEqualTo(Map.of("question", "hi"));
    assertThat(e.output()).isEqualTo("A:hi");
  }

  @Test
  void monoMethodEndsItsSpanWhenTheResultCompletesNotWhenItReturns() {
    Mono<Integer> m = proxy().lookup(21);
    assertThat(sink.events).isEmpty();

    StepVerifier.create(m).expectNext(42).verifyComplete();
    BraintrustEvent e = sink.byName("lookup");
    assertThat(e.output()).isEqualTo(42);
    assertThat(e.input()).isEqualTo(Map.of("id", 21));
  }

  @Test
  void fluxMethodCapturesTheElementsAsOutput() {
    StepVerifier.create(proxy().stream(3)).expectNext("s0", "s1", "s2").verifyComplete();
    BraintrustEvent e = sink.byName("Assistant.stream");
    assertThat(e.output()).isEqualTo(List.of("s0", "s1", "s2"));
    assertThat(e.metrics()).containsEntry("elements", 3L);
  }

  @Test
  void futureMethodEndsWhenTheFutureCompletes() {
    assertThat(proxy().later("x").join()).isEqualTo("x!");
    assertThat(sink.byName("Assistant.later").output()).isEqualTo("x!");
  }

  @Test
  void thrownExceptionsAreRecordedAndRethrownUnwrapped() {
    assertThatThrownBy(() -> proxy().fails())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no");
    assertThat((String) sink.byName("Assistant.fails").error())
        .startsWith("java.lang.IllegalArgumentException: no");
  }

  @Test
  void unannotatedMethodsPassThroughWithoutSpans() {
    assertThat(proxy().untraced()).isEqualTo("plain");
    assertThat(sink.events).isEmpty();
  }

  @Test
  void tracedCallsInsideATracedMonoBecomeItsChildren() {
    StepVerifier.create(proxy().composite("abc")).expectNext("A:abc6").verifyComplete();

    BraintrustEvent root = sink.byName("Assistant.composite");
    assertThat(sink.byName("lookup").spanParents()).containsExactly(root.spanId());
    assertThat(sink.byName("Assistant.answer").spanParents()).containsExactly(root.spanId());
  }

  @Test
  void instrumentingAClassIsRejectedClearly() {
    assertThatThrownBy(() -> tracer.instrument(String.class, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("java.lang.String is not an interface; @Traced proxies need an interface");
  }
}
