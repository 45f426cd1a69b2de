package dev.flagstore.source;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.status.DataStoreStatus;
import dev.flagstore.status.DataStoreStatusListener;
import dev.flagstore.status.DataStoreStatusProvider;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A sink that records every call as it was made (no state rules applied: what the source reported, in order).
 */
final class RecordingSink implements FlagSourceUpdateSink {

	/** One status report. */
	record Report(FlagSourceState state, @Nullable FlagSourceErrorInfo error, Thread thread) {
	}

	final List<FullDataSet<ItemDescriptor>> inits = new CopyOnWriteArrayList<>();

	final List<Report> reports = new CopyOnWriteArrayList<>();

	/** Every call, in order: {@code init} or the reported state's name. */
	final List<String> calls = new CopyOnWriteArrayList<>();

	/** A hook run inside {@code init}, for tests that block or fail there. */
	volatile @Nullable Runnable onInit;

	@Override
	public void init(FullDataSet<ItemDescriptor> allData) {
		Runnable hook = this.onInit;
		this.calls.add("init");
		this.inits.add(allData);
		if (hook != null) {
			hook.run();
		}
	}

	@Override
	public boolean upsert(DataKind kind, String key, ItemDescriptor item) {
		this.calls.add("upsert");
		return true;
	}

	@Override
	public boolean delete(DataKind kind, String key, int version) {
		this.calls.add("delete");
		return true;
	}

	@Override
	public void updateStatus(FlagSourceState state, @Nullable FlagSourceErrorInfo error) {
		this.calls.add(state.name());
		this.reports.add(new Report(state, error, Thread.currentThread()));
	}

	@Override
	public DataStoreStatusProvider getDataStoreStatusProvider() {
		return new DataStoreStatusProvider() {
			@Override
			public DataStoreStatus getStatus() {
				return DataStoreStatus.available(Instant.EPOCH);
			}

			@Override
			public boolean isStatusMonitoringEnabled() {
				return false;
			}

			@Override
			public void addStatusListener(DataStoreStatusListener listener) {
			}

			@Override
			public void removeStatusListener(DataStoreStatusListener listener) {
			}
		};
	}

	/** The last report; fails if there is none. */
	Report last() {
		if (this.reports.isEmpty()) {
			throw new AssertionError("no status reported yet; calls: " + this.calls);
		}
		return this.reports.get(this.reports.size() - 1);
	}

	/** The last reported error; fails if the last report has none. */
	FlagSourceErrorInfo lastError() {
		FlagSourceErrorInfo error = last().error();
		if (error == null) {
			throw new AssertionError("last report has no error: " + last());
		}
		return error;
	}

	/** Waits (up to 10 s) until the last report has {@code state}, and returns it. */
	Report awaitState(FlagSourceState state) {
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> !this.reports.isEmpty() && last().state() == state);
		return last();
	}

	/** Waits (up to 10 s) until at least {@code count} inits were made. */
	void awaitInits(int count) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> this.inits.size() >= count);
	}

}
