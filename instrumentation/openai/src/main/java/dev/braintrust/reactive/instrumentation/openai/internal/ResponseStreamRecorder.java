package dev.braintrust.reactive.instrumentation.openai.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.CallSpan;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Records a streamed Responses API call. The stream's last event ({@code response.completed}, or
 * {@code response.incomplete}/{@code response.failed}) carries the whole response, so a stream read
 * to its end is logged exactly as the same response returned whole. A stream cut short (cancelled
 * or failed) is logged from what arrived: the items done, and the text, summaries and arguments of
 * those still in progress as far as their deltas went.
 *
 * <p>Time to first token is taken at the first delta carrying generated text, reasoning, a refusal
 * or tool-call arguments: {@code response.created} and the {@code *.added} events come before any
 * token.
 */
final class ResponseStreamRecorder implements Recorder<ResponseStreamEvent> {
  private static final LibraryLog LOG = LibraryLog.get(ResponseStreamRecorder.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final CallSpan span;
  // Guarded by this: events arrive on the consuming thread, close may come from another.
  private final TreeMap<Long, Item> items = new TreeMap<>();
  private double timeToFirstToken = -1;
  private @Nullable Response whole;
  private @Nullable Response started;
  private boolean broken;

  ResponseStreamRecorder(CallSpan span) {
    this.span = span;
  }

  @Override
  public synchronized void next(ResponseStreamEvent e) {
    if (broken || whole != null) {
      return;
    }
    try {
      String delta = null;
      long index = -1;
      if (e.isOutputTextDelta()) {
        delta = e.asOutputTextDelta().delta();
        index = e.asOutputTextDelta().outputIndex();
      } else if (e.isReasoningSummaryTextDelta()) {
        delta = e.asReasoningSummaryTextDelta().delta();
        index = e.asReasoningSummaryTextDelta().outputIndex();
      } else if (e.isReasoningTextDelta()) {
        delta = e.asReasoningTextDelta().delta();
        index = e.asReasoningTextDelta().outputIndex();
      } else if (e.isRefusalDelta()) {
        delta = e.asRefusalDelta().delta();
        index = e.asRefusalDelta().outputIndex();
      } else if (e.isFunctionCallArgumentsDelta()) {
        delta = e.asFunctionCallArgumentsDelta().delta();
        index = e.asFunctionCallArgumentsDelta().outputIndex();
      } else if (e.isOutputItemAdded()) {
        item(e.asOutputItemAdded().outputIndex()).added = e.asOutputItemAdded().item();
      } else if (e.isOutputItemDone()) {
        item(e.asOutputItemDone().outputIndex()).done = e.asOutputItemDone().item();
      } else if (e.isCompleted()) {
        whole = e.asCompleted().response();
      } else if (e.isIncomplete()) {
        whole = e.asIncomplete().response();
      } else if (e.isFailed()) {
        whole = e.asFailed().response();
      } else if (e.isCreated()) {
        started = e.asCreated().response();
      }
      if (delta != null && !delta.isEmpty()) {
        item(index).text.append(delta);
        if (timeToFirstToken < 0) {
          timeToFirstToken = span.elapsedSeconds();
        }
      }
    } catch (RuntimeException ex) {
      // An event that doesn't match the client's types: the caller still gets it; we stop reading.
      broken = true;
      LOG.warn("could not read a streamed response event for its span: {}", ex.toString());
    }
  }

  private Item item(long index) {
    return items.computeIfAbsent(index, i -> new Item());
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
    if (!span.claimEnd()) {
      return;
    }
    Log.Builder b = result();
    // Closed after the response was complete (e.g. findFirst on response.completed): nothing was
    // cut short, so the row is the completed call's.
    if (!hasWhole()) {
      b.metadata("cancelled", true);
    }
    span.end(b);
  }

  private synchronized boolean hasWhole() {
    return whole != null;
  }

  private synchronized Log.Builder result() {
    Log.Builder b = Log.builder();
    if (timeToFirstToken >= 0) {
      b.metric("time_to_first_token", timeToFirstToken);
    }
    try {
      if (whole != null) {
        ResponseCalls.record(b, whole);
        return b;
      }
      if (started != null) {
        String model = ResponseCalls.model(started);
        if (model != null && !model.isEmpty()) {
          b.metadata("model", model);
        }
      }
      ArrayNode output = NODES.arrayNode();
      items.values().forEach(i -> i.toJson(output));
      b.output(output);
    } catch (RuntimeException e) {
      LOG.warn("could not assemble a streamed response for its span: {}", e.toString());
    }
    return b;
  }

  /** One output item: whole once done, else as announced plus the text streamed into it. */
  private static final class Item {
    @Nullable ResponseOutputItem added;
    @Nullable ResponseOutputItem done;
    final StringBuilder text = new StringBuilder();

    void toJson(ArrayNode into) {
      if (done != null) {
        into.add(SdkJson.tree(done));
        return;
      }
      if (added == null) {
        return;
      }
      ObjectNode item = SdkJson.tree(added);
      String partial = text.toString();
      switch (item.path("type").asText()) {
        case "message" -> {
          ObjectNode part = item.putArray("content").addObject().put("type", "output_text");
          part.put("text", partial);
        }
        case "reasoning" -> {
          if (!partial.isEmpty()) {
            item.putArray("summary").addObject().put("type", "summary_text").put("text", partial);
          }
        }
        case "function_call" -> item.put("arguments", partial);
        default -> {}
      }
      into.add(item);
    }
  }
}
