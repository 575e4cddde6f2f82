package dev.braintrust.reactive.transport;

/** The object kinds {@link BraintrustClient} can create, get, list, patch and delete. */
public enum Resource {
  /** {@code /v1/project}. */
  PROJECT("project"),
  /** {@code /v1/experiment}. */
  EXPERIMENT("experiment"),
  /** {@code /v1/dataset}. */
  DATASET("dataset"),
  /**
   * {@code /v1/function}: prompts, tools and scorers. Creating one takes {@code project_id}, {@code
   * name}, {@code slug} and {@code function_data}.
   */
  FUNCTION("function");

  private final String path;

  Resource(String path) {
    this.path = path;
  }

  /**
   * The collection path, e.g. {@code /v1/project}.
   *
   * @return the collection path
   */
  public String collectionPath() {
    return "/v1/" + path;
  }
}
