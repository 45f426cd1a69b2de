package dev.flagstore.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/** A source that records what is asked of it, and the runner's status at each call. */
class RecordingSource implements FlagSource {

	final List<String> calls = new CopyOnWriteArrayList<>();

	final AtomicInteger resyncs = new AtomicInteger();

	final AtomicInteger closes = new AtomicInteger();

	volatile @Nullable FlagSourceUpdateSink sink;


	volatile @Nullable FlagSourceState stateAtClose;

	volatile @Nullable FlagSourceStatusProvider watched;

	@Override
	public void start(FlagSourceUpdateSink sink) {
		this.calls.add("start");
		this.sink = sink;
	}

	@Override
	public void resync() {
		this.calls.add("resync on " + Thread.currentThread().getName());
		this.resyncs.incrementAndGet();
	}

	@Override
	public void close() {
		this.calls.add("close");
		this.closes.incrementAndGet();
		FlagSourceStatusProvider watched = this.watched;
		if (watched != null) {
			this.stateAtClose = watched.getStatus().getState();
		}
	}

}
