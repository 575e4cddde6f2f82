package dev.braintrust.reactive.transport.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The answer to an insert: the ids of the rows written, in the order of the events sent. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record InsertResponse(List<String> rowIds) {
  /** Copies the list. */
  public InsertResponse {
    rowIds = rowIds == null ? List.of() : List.copyOf(rowIds);
  }
}
