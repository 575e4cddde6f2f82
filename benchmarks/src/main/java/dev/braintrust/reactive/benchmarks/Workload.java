package dev.braintrust.reactive.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * The realistic span both libraries record: a ~1 KB chat prompt, a ~0.5 KB answer, metrics,
 * metadata.
 */
final class Workload {
  private Workload() {}

  static final String SYSTEM =
      "You are a careful assistant for an online bookshop. Answer briefly, cite the "
          + "catalogue entry you used, and never invent prices. If the question is about an order, ask for the "
          + "order number first. Keep a friendly, professional tone and prefer British spelling.";
  static final String USER =
      "Hello! I am looking for a present for my niece, who is twelve and loves stories "
          + "about dragons, maps and long journeys. She has already read the first two books of the series you "
          + "recommended last month and enjoyed them a lot. Could you suggest three more books, ideally ones "
          + "that are part of a finished series, and tell me which would make the best gift edition? Also, do you "
          + "ship to Ireland and how long would it take if I order today? Thank you very much for your help.";
  static final String ANSWER =
      "Here are three finished series she may enjoy: 1) The Wingfeather Saga, the "
          + "illustrated hardback set makes a lovely gift; 2) Dragon Rider by Cornelia Funke; 3) The Girl Who "
          + "Drank the Moon. The Wingfeather box set is the best gift edition. We ship to Ireland in 3 to 5 "
          + "working days; orders placed before 2pm leave the warehouse the same day.";

  /** The prompt as chat messages, as tracing-core users log it. */
  static final List<Map<String, String>> MESSAGES =
      List.of(Map.of("role", "system", "content", SYSTEM), Map.of("role", "user", "content", USER));

  /** The answer as a message. */
  static final Map<String, String> OUTPUT = Map.of("role", "assistant", "content", ANSWER);

  /** The prompt as one JSON string, as OpenTelemetry attributes carry it. */
  static final String MESSAGES_JSON =
      "[{\"role\":\"system\",\"content\":\""
          + SYSTEM
          + "\"},{\"role\":\"user\",\"content\":\""
          + USER
          + "\"}]";

  /** The answer as a JSON string attribute. */
  static final String OUTPUT_JSON = "{\"role\":\"assistant\",\"content\":\"" + ANSWER + "\"}";
}
