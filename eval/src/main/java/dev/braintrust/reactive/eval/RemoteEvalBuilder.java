package dev.braintrust.reactive.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Configures a {@link RemoteEval}: a task and at least one scorer or classifier are required. */
public final class RemoteEvalBuilder {
  final String name;
  final Map<String, Parameter> parameters = new LinkedHashMap<>();
  @Nullable BiFunction<JsonNode, Parameters, ? extends Mono<?>> task;
  final List<Function<Parameters, Scorer<JsonNode, JsonNode>>> scorers = new ArrayList<>();
  final List<Function<Parameters, Classifier<JsonNode, JsonNode>>> classifiers = new ArrayList<>();

  RemoteEvalBuilder(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a remote eval needs a non-blank name");
    }
    this.name = name;
  }

  /** Declares a parameter. */
  public RemoteEvalBuilder parameter(String name, Parameter parameter) {
    parameters.put(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(parameter, "parameter"));
    return this;
  }

  /**
   * The task: given a case's input and the run's parameters, its output (any value Jackson can
   * write, or a JsonNode).
   */
  public RemoteEvalBuilder task(BiFunction<JsonNode, Parameters, ? extends Mono<?>> task) {
    this.task = Objects.requireNonNull(task, "task");
    return this;
  }

  /** A scorer that ignores the parameters. */
  public RemoteEvalBuilder scorer(Scorer<JsonNode, JsonNode> scorer) {
    Objects.requireNonNull(scorer, "scorer");
    scorers.add(p -> scorer);
    return this;
  }

  /** A scorer made from each run's parameters (e.g. a threshold). */
  public RemoteEvalBuilder scorerWith(Function<Parameters, Scorer<JsonNode, JsonNode>> scorer) {
    scorers.add(Objects.requireNonNull(scorer, "scorer"));
    return this;
  }

  /** A classifier. */
  public RemoteEvalBuilder classifier(Classifier<JsonNode, JsonNode> classifier) {
    Objects.requireNonNull(classifier, "classifier");
    classifiers.add(p -> classifier);
    return this;
  }

  /**
   * The evaluator.
   *
   * @throws IllegalStateException naming what is missing
   */
  public RemoteEval build() {
    if (task == null) {
      throw new IllegalStateException("remote eval '" + name + "' needs a task");
    }
    if (scorers.isEmpty() && classifiers.isEmpty()) {
      throw new IllegalStateException("remote eval '" + name + "' needs a scorer or classifier");
    }
    return new RemoteEval(this);
  }
}
