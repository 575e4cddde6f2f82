package dev.braintrust.reactive.transport;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The API's object collections, each with its operations and the list filters the real API takes (a
 * superset of the spec file's; docs/api-compatibility.md has the evidence). A call the API does not
 * define fails at once with {@link UnsupportedOperationException}; a filter not listed here is sent
 * anyway, with a one-time debug log, since the API may well take it.
 */
public enum Resource {
  /** {@code /v1/project}; creating one returns the existing project of that name. */
  PROJECT(
      "project",
      "project_name",
      true,
      ops(Operation.LIST, Operation.CREATE, Operation.GET, Operation.PATCH, Operation.DELETE),
      List.of("ids", "org_name", "project_name"),
      List.of("name")),
  /** {@code /v1/experiment}. */
  EXPERIMENT(
      "experiment",
      "experiment_name",
      true,
      ops(Operation.LIST, Operation.CREATE, Operation.GET, Operation.PATCH, Operation.DELETE),
      List.of("ids", "org_name", "project_id", "project_name", "experiment_name"),
      List.of("project_id")),
  /** {@code /v1/dataset}. */
  DATASET(
      "dataset",
      "dataset_name",
      false,
      ops(Operation.LIST, Operation.CREATE, Operation.GET, Operation.PATCH, Operation.DELETE),
      List.of("ids", "org_name", "project_id", "project_name", "dataset_name"),
      List.of("name")),
  /** {@code /v1/prompt}; {@link Operation#REPLACE} creates or replaces by slug. */
  PROMPT(
      "prompt",
      "prompt_name",
      false,
      EnumSet.allOf(Operation.class),
      List.of("ids", "org_name", "project_id", "project_name", "prompt_name", "slug", "version"),
      List.of("project_id", "name", "slug")),
  /**
   * {@code /v1/function}: prompts, tools, scorers and tasks; {@link Operation#REPLACE} creates or
   * replaces by slug.
   */
  FUNCTION(
      "function",
      "function_name",
      false,
      EnumSet.allOf(Operation.class),
      List.of("ids", "org_name", "project_id", "project_name", "function_name", "slug", "version"),
      List.of("project_id", "name", "slug", "function_data")),
  /** {@code /v1/project_score}: the scores configured on a project. */
  PROJECT_SCORE(
      "project_score",
      "project_score_name",
      false,
      ops(Operation.LIST, Operation.CREATE, Operation.GET, Operation.DELETE),
      List.of("ids", "org_name", "project_id", "project_name", "project_score_name", "score_type"),
      List.of("project_id", "name", "score_type")),
  /** {@code /v1/project_tag}. */
  PROJECT_TAG(
      "project_tag",
      "project_tag_name",
      false,
      ops(Operation.LIST, Operation.CREATE),
      List.of("ids", "org_name", "project_id", "project_name", "project_tag_name"),
      List.of("project_id", "name")),
  /** {@code /v1/view}: saved views, listed by {@code object_type} and {@code object_id}. */
  VIEW(
      "view",
      "view_name",
      false,
      ops(Operation.LIST),
      List.of("ids", "object_type", "object_id", "view_name", "view_type"),
      List.of()),
  /** {@code /v1/organization}. */
  ORGANIZATION(
      "organization",
      "org_name",
      false,
      ops(Operation.LIST),
      List.of("ids", "org_name"),
      List.of()),
  /** {@code /v1/user}. */
  USER(
      "user",
      null,
      false,
      ops(Operation.LIST),
      List.of("ids", "email", "given_name", "family_name", "org_name"),
      List.of()),
  /** {@code /v1/role}. */
  ROLE(
      "role",
      "role_name",
      false,
      ops(Operation.LIST, Operation.CREATE),
      List.of("ids", "org_name", "role_name"),
      List.of("name")),
  /** {@code /v1/group}. */
  GROUP(
      "group",
      "group_name",
      false,
      ops(Operation.LIST, Operation.CREATE),
      List.of("ids", "org_name", "group_name"),
      List.of("name")),
  /**
   * {@code /v1/acl}: listed by {@code object_type} and {@code object_id} (both required); deleted
   * by content through {@link Acls}, not by id.
   */
  ACL(
      "acl",
      null,
      false,
      ops(Operation.LIST, Operation.CREATE),
      List.of("ids", "object_type", "object_id"),
      List.of("object_type", "object_id")),
  /** {@code /v1/api_key}: keys without their secret values. */
  API_KEY(
      "api_key",
      "api_key_name",
      false,
      ops(Operation.LIST, Operation.GET, Operation.DELETE),
      List.of("ids", "org_name", "api_key_name"),
      List.of()),
  /** {@code /v1/ai_secret}: provider keys, listed without their values. */
  AI_SECRET(
      "ai_secret",
      "ai_secret_name",
      false,
      ops(Operation.LIST, Operation.CREATE),
      List.of("ids", "org_name", "ai_secret_name", "ai_secret_type"),
      List.of("name"));

  /** What can be done with a resource, as HTTP operations on its paths. */
  public enum Operation {
    /** {@code GET /v1/x}. */
    LIST,
    /** {@code POST /v1/x}. */
    CREATE,
    /** {@code PUT /v1/x}: create or replace. */
    REPLACE,
    /** {@code GET /v1/x/{id}}. */
    GET,
    /** {@code PATCH /v1/x/{id}}. */
    PATCH,
    /** {@code DELETE /v1/x/{id}}. */
    DELETE
  }

  private final String path;
  private final @Nullable String nameFilter;
  private final boolean pagesByCursor;
  private final Set<Operation> operations;
  private final List<String> listFilters;
  private final List<String> requiredOnCreate;

  Resource(
      String path,
      @Nullable String nameFilter,
      boolean pagesByCursor,
      Set<Operation> operations,
      List<String> listFilters,
      List<String> requiredOnCreate) {
    this.path = path;
    this.nameFilter = nameFilter;
    this.pagesByCursor = pagesByCursor;
    this.operations = Set.copyOf(operations);
    this.listFilters = listFilters;
    this.requiredOnCreate = requiredOnCreate;
  }

  private static Set<Operation> ops(Operation first, Operation... rest) {
    return EnumSet.of(first, rest);
  }

  /**
   * The collection path, e.g. {@code /v1/project}.
   *
   * @return the collection path
   */
  public String collectionPath() {
    return "/v1/" + path;
  }

  /** Whether the spec defines this operation on the resource. */
  public boolean supports(Operation operation) {
    return operations.contains(operation);
  }

  /**
   * The query filters a list takes besides {@code limit} and its cursor: the spec's, plus those the
   * real API answers and the official SDKs send ({@code ids}, {@code project_name}, {@code
   * version}, ...).
   */
  public List<String> listFilters() {
    return listFilters;
  }

  /** The list filter that matches by name ({@code experiment_name}, ...), or null if none. */
  @Nullable String nameFilter() {
    return nameFilter;
  }

  /**
   * Whether lists page with {@code starting_after}; the spec gives the others only {@code limit},
   * so they are read in one request.
   */
  boolean pagesByCursor() {
    return pagesByCursor;
  }

  /** The body fields the spec requires to create one. */
  List<String> requiredOnCreate() {
    return requiredOnCreate;
  }
}
