package dev.braintrust.reactive.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small map log calls build: a LinkedHashMap's behaviour, insertion order included. */
class ArrayMapTest {

  @Test
  void behavesLikeALinkedHashMapThroughGrowthAndReplacement() {
    ArrayMap<Object> map = new ArrayMap<>(1);
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      String key = "k" + (i % 7);
      Object value = i % 5 == 0 ? null : i;
      assertThat(map.put(key, value)).isEqualTo(expected.put(key, value));
    }
    assertThat(map).containsExactlyEntriesOf(expected);
    assertThat(map.size()).isEqualTo(7);
    assertThat(map.keyAt(0)).isEqualTo("k0");
    assertThat(map.get("k3")).isEqualTo(expected.get("k3"));
    assertThat(map.get("absent")).isNull();
    assertThat(map.containsKey("k6")).isTrue();
    assertThat(map.containsKey("absent")).isFalse();
    assertThat(map).isEqualTo(expected).hasSameHashCodeAs(expected);
  }

  @Test
  void aFrozenMapRefusesChanges() {
    ArrayMap<Integer> map = new ArrayMap<>(4);
    map.put("a", 1);
    map.freeze();
    assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).containsExactly(Map.entry("a", 1));
  }
}
