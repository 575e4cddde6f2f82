package dev.braintrust.reactive.core.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small insertion-ordered map on two arrays, for the handful of scores, metrics or metadata a log
 * call carries: far cheaper to build than a LinkedHashMap on the caller's thread. Mutable only
 * through {@link #put} until {@link #freeze()}; a frozen map rejects changes.
 */
public final class ArrayMap<V> extends AbstractMap<String, V> {
  private String[] keys;
  private @Nullable Object[] values;
  private int size;
  private boolean frozen;

  /** An empty map with room for {@code capacity} entries before growing. */
  public ArrayMap(int capacity) {
    keys = new String[capacity];
    values = new Object[capacity];
  }

  /** Sets {@code key} to {@code value}, replacing an earlier value in place. */
  @Override
  public @Nullable V put(String key, V value) {
    if (frozen) {
      throw new UnsupportedOperationException("frozen");
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        @SuppressWarnings("unchecked")
        V old = (V) values[i];
        values[i] = value;
        return old;
      }
    }
    if (size == keys.length) {
      int n = Math.max(4, size * 2);
      keys = Arrays.copyOf(keys, n);
      values = Arrays.copyOf(values, n);
    }
    keys[size] = key;
    values[size] = value;
    size++;
    return null;
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
    return keys[i];
  }

  /** The value at {@code i}. */
  @SuppressWarnings("unchecked")
  public V valueAt(int i) {
    return (V) values[i];
  }

  @Override
  public @Nullable V get(@Nullable Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return valueAt(i);
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        return true;
      }
    }
    return false;
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
            Entry<String, V> e = new SimpleImmutableEntry<>(keys[i], valueAt(i));
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
