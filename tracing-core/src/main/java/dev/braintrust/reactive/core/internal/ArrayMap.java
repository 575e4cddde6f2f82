package dev.braintrust.reactive.core.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small insertion-ordered map on one array of keys and values side by side, for the handful of
 * scores, metrics or metadata a log call carries: far cheaper to build than a LinkedHashMap on the
 * caller's thread. Mutable only through {@link #put} until {@link #freeze()}; a frozen map rejects
 * changes.
 */
public final class ArrayMap<V> extends AbstractMap<String, V> {
  // Key i at 2i, its value at 2i + 1: one array per map, not two, on the caller's thread.
  private @Nullable Object[] slots;
  private int size;
  private boolean frozen;

  /** An empty map with room for {@code capacity} entries before growing. */
  public ArrayMap(int capacity) {
    slots = new Object[2 * capacity];
  }

  /** Sets {@code key} to {@code value}, replacing an earlier value in place. */
  @Override
  public @Nullable V put(String key, V value) {
    if (frozen) {
      throw new UnsupportedOperationException("frozen");
    }
    int i = indexOf(key);
    if (i >= 0) {
      V old = valueAt(i);
      slots[2 * i + 1] = value;
      return old;
    }
    if (2 * size == slots.length) {
      slots = Arrays.copyOf(slots, 2 * Math.max(4, size * 2));
    }
    slots[2 * size] = key;
    slots[2 * size + 1] = value;
    size++;
    return null;
  }

  /**
   * Adds {@code key}, which the caller knows is not in the map yet: no search for it, for maps
   * built from keys already distinct (and sorted, say).
   */
  public void append(String key, V value) {
    if (frozen) {
      throw new UnsupportedOperationException("frozen");
    }
    if (2 * size == slots.length) {
      slots = Arrays.copyOf(slots, 2 * Math.max(4, size * 2));
    }
    slots[2 * size] = key;
    slots[2 * size + 1] = value;
    size++;
  }

  /** Makes the map read-only and returns it. */
  public ArrayMap<V> freeze() {
    frozen = true;
    return this;
  }

  @Override
  public int size() {
    return size;
  }

  /** The key at {@code i}, in insertion order. */
  public String keyAt(int i) {
    return (String) java.util.Objects.requireNonNull(slots[2 * i]);
  }

  /** The value at {@code i}. */
  @SuppressWarnings("unchecked")
  public V valueAt(int i) {
    return (V) slots[2 * i + 1];
  }

  private int indexOf(@Nullable Object key) {
    for (int i = 0; i < size; i++) {
      if (java.util.Objects.requireNonNull(slots[2 * i]).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public @Nullable V get(@Nullable Object key) {
    int i = indexOf(key);
    return i < 0 ? null : valueAt(i);
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, V>> iterator() {
        return new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < size;
          }

          @Override
          public Entry<String, V> next() {
            if (i >= size) {
              throw new NoSuchElementException();
            }
            Entry<String, V> e = new SimpleImmutableEntry<>(keyAt(i), valueAt(i));
            i++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
