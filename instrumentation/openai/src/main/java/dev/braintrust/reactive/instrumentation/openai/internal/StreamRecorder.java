package dev.braintrust.reactive.instrumentation.openai.internal;

import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.completions.CompletionUsage;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Assembles a streamed chat completion into the choices a whole one would have had (content,
 * refusal, tool calls joined from their fragments), notes when the first chunk arrived, keeps the
 * last usage seen, and ends the span with them once: on exhaustion, failure or cancellation.
 */
final class StreamRecorder implements Recorder<ChatCompletionChunk> {
  private static final LibraryLog LOG = LibraryLog.get(StreamRecorder.class);

  private final CallSpan span;
  // Guarded by this: chunks arrive on the consuming thread, close may come from another.
  private final TreeMap<Long, ChoiceState> choices = new TreeMap<>();
  private double timeToFirstToken = -1;
  private @Nullable CompletionUsage usage;
  private @Nullable String model;
  private boolean broken;

  StreamRecorder(CallSpan span) {
    this.span = span;
  }

  @Override
  public synchronized void next(ChatCompletionChunk chunk) {
    if (broken) {
      return;
    }
    try {
      boolean content = false;
      for (ChatCompletionChunk.Choice c : chunk.choices()) {
        choices.computeIfAbsent(c.index(), i -> new ChoiceState()).add(c);
        content |= bearsContent(c.delta());
      }
      // Measured at the first chunk carrying generated text or a tool call: a role-only or empty
      // first delta comes before any token (the guide's "first content-bearing" event).
      if (content && timeToFirstToken < 0) {
        timeToFirstToken = span.elapsedSeconds();
      }
      chunk._model().asString().ifPresent(m -> model = m);
      chunk.usage().ifPresent(u -> usage = u);
    } catch (RuntimeException e) {
      // A chunk that doesn't match the client's types: the caller still gets it; we stop reading.
      broken = true;
      LOG.warn("could not read a streamed chat completion chunk for its span: {}", e.toString());
    }
  }

  private static boolean bearsContent(ChatCompletionChunk.Choice.Delta d) {
    return d.content().filter(s -> !s.isEmpty()).isPresent()
        || d.refusal().filter(s -> !s.isEmpty()).isPresent()
        || d.toolCalls().filter(t -> !t.isEmpty()).isPresent();
  }

  @Override
  public void complete() {
    if (span.claimEnd()) {
      span.end(result());
    }
  }

  @Override
  public void fail(Throwable error) {
    if (span.claimEnd()) {
      span.end(result().error(error));
    }
  }

  @Override
  public void cancel() {
    if (span.claimEnd()) {
      span.end(result().metadata("cancelled", true));
    }
  }

  private synchronized Log.Builder result() {
    Log.Builder b = Log.builder();
    try {
      List<Map<String, @Nullable Object>> out = new ArrayList<>(choices.size());
      choices.forEach((index, c) -> out.add(c.toChoice(index)));
      b.output(out);
      if (timeToFirstToken >= 0) {
        b.metric("time_to_first_token", timeToFirstToken);
      }
      if (usage != null) {
        Usage.record(b, usage);
      }
      if (model != null && !model.isEmpty()) {
        b.metadata("model", model);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not assemble a streamed chat completion for its span: {}", e.toString());
    }
    return b;
  }

  /** One choice being assembled. */
  private static final class ChoiceState {
    private @Nullable String role;
    private @Nullable StringBuilder content;
    private @Nullable StringBuilder refusal;
    private @Nullable String finishReason;
    private final TreeMap<Long, ToolCallState> toolCalls = new TreeMap<>();

    void add(ChatCompletionChunk.Choice c) {
      ChatCompletionChunk.Choice.Delta d = c.delta();
      d.role().ifPresent(r -> role = r.toString());
      d.content().ifPresent(s -> content = append(content, s));
      d.refusal().ifPresent(s -> refusal = append(refusal, s));
      d.toolCalls()
          .ifPresent(
              calls -> {
                for (ChatCompletionChunk.Choice.Delta.ToolCall t : calls) {
                  toolCalls.computeIfAbsent(t.index(), i -> new ToolCallState()).add(t);
                }
              });
      c.finishReason().ifPresent(r -> finishReason = r.toString());
    }

    private static StringBuilder append(@Nullable StringBuilder into, String s) {
      return (into == null ? new StringBuilder() : into).append(s);
    }

    Map<String, @Nullable Object> toChoice(long index) {
      Map<String, @Nullable Object> message = new LinkedHashMap<>();
      message.put("role", role == null ? "assistant" : role);
      message.put("content", content == null ? null : content.toString());
      if (refusal != null) {
        message.put("refusal", refusal.toString());
      }
      if (!toolCalls.isEmpty()) {
        List<Map<String, Object>> calls = new ArrayList<>(toolCalls.size());
        toolCalls.values().forEach(t -> calls.add(t.toToolCall()));
        message.put("tool_calls", calls);
      }
      Map<String, @Nullable Object> choice = new LinkedHashMap<>();
      choice.put("index", index);
      choice.put("message", message);
      choice.put("finish_reason", finishReason);
      return choice;
    }
  }

  /** One tool call whose name and arguments arrive in fragments. */
  private static final class ToolCallState {
    private @Nullable String id;
    private String type = "function";
    private final StringBuilder name = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();

    void add(ChatCompletionChunk.Choice.Delta.ToolCall t) {
      t.id().ifPresent(s -> id = s);
      t.type().ifPresent(s -> type = s.toString());
      t.function()
          .ifPresent(
              f -> {
                f.name().ifPresent(name::append);
                f.arguments().ifPresent(arguments::append);
              });
    }

    Map<String, Object> toToolCall() {
      Map<String, Object> call = new LinkedHashMap<>();
      if (id != null) {
        call.put("id", id);
      }
      call.put("type", type);
      Map<String, Object> function = new LinkedHashMap<>();
      function.put("name", name.toString());
      function.put("arguments", arguments.toString());
      call.put("function", function);
      return call;
    }
  }
}
