package dev.braintrust.reactive.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.examples.docs.MarkdownSnippets.Snippet;
import dev.braintrust.reactive.examples.docs.MarkdownSnippets.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extractor's conventions, on a small markdown text with one block of each kind. */
class MarkdownSnippetsTest {

  private static final String MARKDOWN =
      String.join(
          "\n",
          "# Title", // 1
          "",
          "```java", // 3
          "import java.util.List;", // 4
          "",
          "public class Greeter {", // 6
          "  List<String> names() { return List.of(\"Ann\"); }",
          "}",
          "```",
          "",
          "```java", // 11
          "import java.util.Map;", // 12
          "Map<String, Integer> m = Map.of(\"a\", 1);", // 13
          "import java.util.List;", // 14: hoisted
          "List<Integer> values = List.copyOf(m.values());",
          "```",
          "",
          "<!-- snippet: skip (a signature, not code) -->",
          "",
          "```java", // 20
          "Mono<Void> flush();",
          "```",
          "",
          "- a list item:",
          "",
          "   ```java", // 26
          "   int three = 1 + 2;", // 27
          "   ```",
          "",
          "```bash",
          "echo not java",
          "```",
          "",
          "```java", // 34
          "String s = \"fine\";", // 35
          "int n = s;", // 36: does not compile
          "```",
          "");

  @Test
  void findsEveryJavaBlockWithTheLineOfItsFirstCodeLine() {
    List<Snippet> snippets = MarkdownSnippets.extract("doc.md", MARKDOWN);

    assertThat(snippets).extracting(Snippet::line).containsExactly(4, 12, 21, 27, 35);
    assertThat(snippets)
        .extracting(Snippet::skip)
        .containsExactly(false, false, true, false, false);
    assertThat(snippets.get(3).lines()).containsExactly("int three = 1 + 2;");
  }

  @Test
  void aBlockDeclaringATypeCompilesAsItIsNamedAfterItsPublicType() {
    Source source =
        MarkdownSnippets.toSource(MarkdownSnippets.extract("doc.md", MARKDOWN).get(0), "p0");

    assertThat(source.typeName()).isEqualTo("Greeter");
    assertThat(source.text()).startsWith("package p0; import java.util.List;\n");
    assertThat(source.markdownLine(3)).isEqualTo(6);
  }

  @Test
  void aBlockOfStatementsIsWrappedInAMethodWithItsImportsHoisted() {
    Source source =
        MarkdownSnippets.toSource(MarkdownSnippets.extract("doc.md", MARKDOWN).get(1), "p1");

    String[] lines = source.text().split("\n");
    assertThat(lines[0]).isEqualTo("package p1; import java.util.Map;");
    assertThat(lines[1]).isEqualTo("import java.util.List;");
    assertThat(lines[2]).isEqualTo("class Snippet {");
    assertThat(lines[3]).contains("void snippet() throws Exception {");
    assertThat(lines[4]).startsWith("Map<String, Integer> m");
    assertThat(source.markdownLine(2)).isEqualTo(14);
    assertThat(source.markdownLine(5)).isEqualTo(13);
    assertThat(source.markdownLine(6)).isEqualTo(15);
  }

  @Test
  void everyBlockButTheSkippedOneCompilesAndTheBrokenOneIsReportedAtItsLine() {
    List<String> failures =
        SnippetCompiler.forTestClassPath().compile(MarkdownSnippets.extract("doc.md", MARKDOWN));

    assertThat(failures).hasSize(1);
    assertThat(failures.get(0))
        .startsWith("doc.md:36 (block at line 35): ")
        .contains("incompatible types");
  }

  @Test
  void aSyntaxErrorInOneBlockDoesNotHideATypeErrorInAnother() {
    String markdown =
        String.join(
            "\n",
            "```java", // 1
            "int a = ;", // 2: a syntax error
            "```",
            "",
            "```java", // 5
            "String b = 1;", // 6: a type error
            "```");

    List<String> failures =
        SnippetCompiler.forTestClassPath().compile(MarkdownSnippets.extract("two.md", markdown));

    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).startsWith("two.md:2 (block at line 2): ");
    assertThat(failures.get(1))
        .startsWith("two.md:6 (block at line 6): ")
        .contains("incompatible types");
  }

  @Test
  void aBlockOfTheLibrarysApiCompilesAgainstTheTestClassPath() {
    String markdown =
        String.join(
            "\n",
            "```java",
            "import dev.braintrust.reactive.core.Destination;",
            "Destination d = Destination.projectLogsByName(\"my-app\");",
            "```");

    assertThat(
            SnippetCompiler.forTestClassPath()
                .compile(MarkdownSnippets.extract("api.md", markdown)))
        .isEmpty();
  }

  @Test
  void anUnclosedBlockIsRefusedNamingItsLine() {
    assertThatThrownBy(() -> MarkdownSnippets.extract("bad.md", "text\n```java\nint a = 1;\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad.md:2: a ```java block is never closed");
  }
}
