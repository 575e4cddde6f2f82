package dev.braintrust.reactive.eval;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One span the task produced through a tracer, as a trace-aware {@link Scorer} sees it: taken from
 * the row handed to the exporter, not read back from the server.
 *
 * @param name the span name
 * @param type the span type's wire name ({@code llm}, {@code tool}, ...)
 * @param input the logged input, or null
 * @param output the logged output, or null
 * @param error the recorded error, or null
 * @param metadata the logged metadata
 * @param metrics the logged metrics ({@code prompt_tokens}, ...), without start and end
 * @param start start time, seconds since the epoch
 * @param end end time, seconds since the epoch
 */
public record TraceSpan(
    String name,
    String type,
    @Nullable Object input,
    @Nullable Object output,
    @Nullable Object error,
    Map<String, @Nullable Object> metadata,
    Map<String, Number> metrics,
    double start,
    double end) {}
