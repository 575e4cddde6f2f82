package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.internal.ParentReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A parent owned elsewhere that asks to see its descendants end (an eval's task span). */
class ParentReferenceWatchTest {

  static final class Watching extends ParentReference {
    final boolean watch;
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<SpanSink> sinks = new CopyOnWriteArrayList<>();

    Watching(boolean watch) {
      super(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          Destination.experiment("e1"),
          "test");
      this.watch = watch;
    }

    @Override
    public boolean watchesDescendants() {
      return watch;
    }

    @Override
    public void descendantEnded(SpanSink sink, BraintrustEvent event) {
      sinks.add(sink);
      seen.add(event.spanName());
    }

    @Override
    public Scope makeCurrent() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aWatchingParentSeesEveryDescendantAfterItsSinkTookTheRow() {
    RecordingSink a = new RecordingSink();
    RecordingSink b = new RecordingSink();
    Watching parent = new Watching(true);
    Tracer first = Tracer.create(a, Destination.projectLogs("p"));
    Tracer second = Tracer.create(b, Destination.projectLogs("p"));

    // Children through the Reactor context, a grandchild through startChild, another tracer's span.
    first
        .mono(
            "llm",
            SpanType.LLM,
            span -> {
              span.startChild("tool", SpanType.TOOL).end();
              return second.mono("other", SpanType.TASK, Mono.just(1));
            })
        .contextWrite(ctx -> Tracing.withSpan(ctx, parent))
        .block();

    assertThat(parent.seen).containsExactly("tool", "other", "llm");
    assertThat(parent.sinks).containsExactly(a, b, a);
    assertThat(a.events).extracting(BraintrustEvent::spanName).containsExactly("tool", "llm");
    assertThat(a.byName("llm").destination()).isEqualTo(Destination.experiment("e1"));
  }

  @Test
  void aParentThatDoesNotWatchIsNeverCalled() {
    RecordingSink sink = new RecordingSink();
    Watching parent = new Watching(false);
    Tracer.create(sink, Destination.projectLogs("p")).startSpan("x", SpanType.TASK, parent).end();
    assertThat(sink.events).hasSize(1);
    assertThat(parent.seen).isEmpty();
  }
}
