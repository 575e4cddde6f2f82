package dev.braintrust.reactive.examples.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code ```java} blocks of a markdown text and turns each into a Java source file.
 *
 * <p>Conventions: a block that declares a top-level class, record, interface or enum compiles as it
 * is (named after its first public top-level type); a block of imports and statements is wrapped
 * into a class with a method {@code void snippet() throws Exception}, imports hoisted; a block
 * whose nearest non-blank line before the fence is an HTML comment {@code <!-- snippet: skip ...
 * -->} is skipped.
 */
final class MarkdownSnippets {

  /** One fenced block: where it is, its text (fence indentation removed), whether to skip it. */
  record Snippet(String file, int line, List<String> lines, boolean skip) {

    /** {@code README.md:123}: the block's first line of code, as an editor would want it. */
    String where() {
      return file + ":" + line;
    }
  }

  /**
   * A snippet made into a compilation unit. {@code markdownLines[i]} is the markdown line of source
   * line {@code i + 1}, or 0 for a line we added.
   */
  record Source(
      Snippet snippet, String packageName, String typeName, String text, int[] markdownLines) {

    /** The markdown line for a compiler's line number, or the block's first line if we added it. */
    int markdownLine(long sourceLine) {
      int i = (int) sourceLine - 1;
      if (i >= 0 && i < markdownLines.length && markdownLines[i] > 0) {
        return markdownLines[i];
      }
      return snippet.line();
    }
  }

  private static final Pattern OPENING = Pattern.compile("^(\\s*)```java\\s*$");
  private static final Pattern CLOSING = Pattern.compile("^\\s*```\\s*$");
  private static final Pattern SKIP = Pattern.compile("^\\s*<!--\\s*snippet:\\s*skip\\b.*-->\\s*$");
  // A type declared at column 0 of the block (members of a type are indented).
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:@\\w+(?:\\([^)]*\\))?\\s+)*((?:public|abstract|final|sealed|non-sealed|strictfp)\\s+)*"
              + "(class|record|interface|enum|@interface)\\s+([A-Za-z_$][\\w$]*)");
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*$");

  private MarkdownSnippets() {}

  /**
   * Every {@code ```java} block of {@code markdown}, in order; {@code file} names it in messages.
   */
  static List<Snippet> extract(String file, String markdown) {
    List<Snippet> snippets = new ArrayList<>();
    String[] lines = markdown.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher open = OPENING.matcher(lines[i]);
      if (!open.matches()) {
        continue;
      }
      int indent = open.group(1).length();
      List<String> body = new ArrayList<>();
      int j = i + 1;
      while (j < lines.length && !CLOSING.matcher(lines[j]).matches()) {
        body.add(unindent(lines[j], indent));
        j++;
      }
      if (j == lines.length) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": a ```java block is never closed");
      }
      snippets.add(new Snippet(file, i + 2, List.copyOf(body), skipMarkerBefore(lines, i)));
      i = j;
    }
    return snippets;
  }

  private static boolean skipMarkerBefore(String[] lines, int fence) {
    for (int k = fence - 1; k >= 0; k--) {
      if (!lines[k].isBlank()) {
        return SKIP.matcher(lines[k]).matches();
      }
    }
    return false;
  }

  private static String unindent(String line, int indent) {
    int n = 0;
    while (n < indent && n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return line.substring(n);
  }

  /**
   * The snippet as a source file in package {@code packageName} (each snippet gets its own, so
   * blocks that declare the same names compile side by side). The package clause shares the first
   * line, so compiler line numbers stay those of the block.
   */
  static Source toSource(Snippet snippet, String packageName) {
    List<String> lines = snippet.lines();
    String declared = null;
    String firstPublic = null;
    for (String line : lines) {
      Matcher type = TYPE.matcher(line);
      if (type.find()) {
        if (declared == null) {
          declared = type.group(3);
        }
        if (firstPublic == null && type.group(0).contains("public ")) {
          firstPublic = type.group(3);
        }
      }
    }
    StringBuilder text = new StringBuilder("package ").append(packageName).append("; ");
    if (declared != null) {
      int[] map = new int[lines.size()];
      for (int i = 0; i < lines.size(); i++) {
        text.append(lines.get(i)).append('\n');
        map[i] = snippet.line() + i;
      }
      String name = firstPublic != null ? firstPublic : "Snippet";
      return new Source(snippet, packageName, name, text.toString(), map);
    }
    List<Integer> map = new ArrayList<>();
    List<Integer> body = new ArrayList<>();
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      if (IMPORT.matcher(lines.get(i).trim()).matches()) {
        text.append(first ? "" : "\n").append(lines.get(i).trim());
        map.add(snippet.line() + i);
        first = false;
      } else {
        body.add(i);
      }
    }
    text.append(first ? "" : "\n").append("class Snippet {");
    map.add(0);
    text.append("\n  void snippet() throws Exception {");
    map.add(0);
    for (int i : body) {
      text.append('\n').append(lines.get(i));
      map.add(snippet.line() + i);
    }
    text.append("\n  }\n}\n");
    map.add(0);
    map.add(0);
    return new Source(
        snippet,
        packageName,
        "Snippet",
        text.toString(),
        map.stream().mapToInt(Integer::intValue).toArray());
  }
}
