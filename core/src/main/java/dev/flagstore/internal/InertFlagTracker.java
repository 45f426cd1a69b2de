package dev.flagstore.internal;

import java.util.Objects;
import java.util.function.Function;

import dev.flagstore.changes.FlagChangeListener;
import dev.flagstore.changes.FlagTracker;
import dev.flagstore.changes.FlagValueChangeListener;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.DataStore;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * The {@link FlagTracker} of a {@link DataStore} that does not track changes (one an application implements
 * itself): listeners are accepted and never called; a value-change listener is evaluated once, at subscription.
 * Internal to flagstore; not an API.
 */
public final class InertFlagTracker implements FlagTracker {

	private final DataStore store;

	/**
	 * Creates the tracker of {@code store}.
	 * @param store the store whose items value-change listeners evaluate once
	 */
	public InertFlagTracker(DataStore store) {
		this.store = Objects.requireNonNull(store, "store");
	}

	@Override
	public void addListener(FlagChangeListener listener) {
		Objects.requireNonNull(listener, "listener");
	}

	@Override
	public void removeListener(FlagChangeListener listener) {
		Objects.requireNonNull(listener, "listener");
	}

	@Override
	public <V extends @Nullable Object> FlagChangeListener addValueChangeListener(DataKind kind, String key,
			Function<@Nullable ItemDescriptor, V> evaluator, FlagValueChangeListener<V> listener) {
		Objects.requireNonNull(listener, "listener");
		evaluator.apply(this.store.get(kind, key));
		return (change) -> {
		};
	}

}
