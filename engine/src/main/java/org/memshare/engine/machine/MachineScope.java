package org.memshare.engine.machine;

import com.google.inject.Key;
import com.google.inject.OutOfScopeException;
import com.google.inject.Provider;
import com.google.inject.Scope;
import java.util.HashMap;
import java.util.Map;

/**
 * The scope of one machine being made. {@link MachineFactory} enters it on the calling thread,
 * seeds it with what the machine is made of (its configuration and arch, then the machine once
 * assembled), provisions the machine's objects and leaves it; each machine gets its own
 * instances, and nothing made for one machine is ever handed to another. Outside a machine's
 * making, asking for a machine-scoped object fails.
 */
final class MachineScope implements Scope {
    private final ThreadLocal<Map<Key<?>, Object>> current = new ThreadLocal<>();

    /**
     * Starts a machine on this thread.
     *
     * @return what was current before (a machine made while another is being made), for {@link #exit}
     */
    Map<Key<?>, Object> enter() {
        Map<Key<?>, Object> previous = current.get();
        current.set(new HashMap<>());
        return previous;
    }

    /** Ends the machine started by the matching {@link #enter}, restoring {@code previous}. */
    void exit(Map<Key<?>, Object> previous) {
        if (previous == null) {
            current.remove();
        } else {
            current.set(previous);
        }
    }

    /** Makes {@code value} the machine's instance of {@code key}; bind the key with {@link #seeded}. */
    <T> void seed(Key<T> key, T value) {
        Map<Key<?>, Object> instances = instances(key);
        if (instances.putIfAbsent(key, value) != null) {
            throw new IllegalStateException(key + " is already seeded for this machine");
        }
    }

    @Override
    public <T> Provider<T> scope(Key<T> key, Provider<T> unscoped) {
        return () -> {
            Map<Key<?>, Object> instances = instances(key);
            @SuppressWarnings("unchecked")
            T instance = (T) instances.get(key);
            if (instance == null && !instances.containsKey(key)) {
                instance = unscoped.get();
                instances.put(key, instance);
            }
            return instance;
        };
    }

    private Map<Key<?>, Object> instances(Key<?> key) {
        Map<Key<?>, Object> instances = current.get();
        if (instances == null) {
            throw new OutOfScopeException(key + " belongs to a machine, and no machine is being made on this thread");
        }
        return instances;
    }

    /** The provider for a key that {@link #seed} fills; it fails if the key was not seeded. */
    static <T> Provider<T> seeded(Key<T> key) {
        return () -> {
            throw new IllegalStateException(key + " is seeded when a machine is made, and was not");
        };
    }

    @Override
    public String toString() {
        return "MachineScope";
    }
}
