package dev.braintrust.reactive.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.braintrust.reactive.examples.docs.MarkdownSnippets.Snippet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of docs/*.md and README.md compiles against the modules (this
 * module's test class path holds all of them), so the documentation can't drift from the API.
 */
class DocSnippetsCompileTest {

  @Test
  void everyJavaBlockInDocsCompiles() throws IOException {
    Path docs = repositoryRoot().resolve("docs");
    List<Snippet> snippets = new ArrayList<>();
    try (Stream<Path> pages = Files.list(docs)) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        snippets.addAll(
            MarkdownSnippets.extract("docs/" + page.getFileName(), Files.readString(page)));
      }
    }

    assertThat(snippets.size()).as("java blocks found in docs/*.md").isGreaterThan(10);
    assertCompile(snippets);
  }

  @Test
  void everyJavaBlockInTheReadmeCompiles() throws IOException {
    Path readme = repositoryRoot().resolve("README.md");
    List<Snippet> snippets = MarkdownSnippets.extract("README.md", Files.readString(readme));

    assertThat(snippets.size()).as("java blocks found in README.md").isGreaterThan(3);
    assertCompile(snippets);
  }

  private static void assertCompile(List<Snippet> snippets) {
    List<String> failures = SnippetCompiler.forTestClassPath().compile(snippets);
    if (!failures.isEmpty()) {
      fail(
          "```java blocks that do not compile (file:line of the error):\n"
              + String.join("\n", failures));
    }
  }

  /** The directory above the module with the README and docs/ (tests run in the module's dir). */
  static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("README.md")) && Files.isDirectory(d.resolve("docs"))) {
        return d;
      }
    }
    throw new IllegalStateException("no README.md with a docs/ directory above " + dir);
  }
}
