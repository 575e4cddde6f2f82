package dev.braintrust.reactive.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braintrust.reactive.eval.internal.CaseOutcome;
import dev.braintrust.reactive.transport.BraintrustClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An evaluator the {@link DevServer} offers to the Braintrust Playground: a name, parameters the
 * Playground shows as controls, a task and scorers (and classifiers). Cases, inputs and outputs are
 * JSON, as the Playground sends and shows them.
 *
 * <pre>{@code
 * RemoteEval greeter = RemoteEval.builder("greeter")
 *     .parameter("greeting", Parameter.data("Hi", "How to greet"))
 *     .task((input, params) -> Mono.just(params.string("greeting", "Hi") + " " + input.asText()))
 *     .scorer(Scorer.of("exact", (c, out) -> out.equals(c.expected()) ? 1.0 : 0.0))
 *     .build();
 * }</pre>
 */
public final class RemoteEval {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Map<String, Parameter> parameters;
  private final BiFunction<JsonNode, Parameters, ? extends Mono<?>> task;
  private final List<Function<Parameters, Scorer<JsonNode, JsonNode>>> scorers;
  private final List<Function<Parameters, Classifier<JsonNode, JsonNode>>> classifiers;

  RemoteEval(RemoteEvalBuilder b) {
    this.name = b.name;
    this.parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
    this.task = b.task;
    this.scorers = List.copyOf(b.scorers);
    this.classifiers = List.copyOf(b.classifiers);
  }

  /** A builder of the evaluator named {@code name}. */
  public static RemoteEvalBuilder builder(String name) {
    return new RemoteEvalBuilder(name);
  }

  /** The evaluator's name. */
  public String name() {
    return name;
  }

  /** Its parameters by name, in declaration order. */
  public Map<String, Parameter> parameters() {
    return parameters;
  }

  /** The names of its scorers (built with the parameters' defaults). */
  List<String> scorerNames() {
    Parameters defaults = Parameters.merge(parameters, Map.of());
    List<String> names = new ArrayList<>();
    scorers.forEach(f -> names.add(f.apply(defaults).name()));
    return names;
  }

  /** Runs it on {@code data}; {@code onCase} sees each case's outcome as it completes. */
  Mono<EvalResult> run(
      BraintrustClient client,
      String project,
      String experiment,
      Flux<EvalCase<JsonNode, JsonNode>> data,
      Map<String, @Nullable Object> sent,
      Consumer<CaseOutcome> onCase) {
    Parameters params = Parameters.merge(parameters, sent);
    EvalBuilder<JsonNode, JsonNode> b =
        Eval.<JsonNode, JsonNode>builder(client)
            .project(project)
            .experiment(experiment)
            .data(data)
            .task(
                input ->
                    Mono.defer(() -> task.apply(input, params))
                        .map(
                            out ->
                                out instanceof JsonNode ? (JsonNode) out : JSON.valueToTree(out)))
            .quiet();
    scorers.forEach(f -> b.scorer(f.apply(params)));
    classifiers.forEach(f -> b.classifier(f.apply(params)));
    b.onCase = onCase;
    return b.build().run();
  }
}
