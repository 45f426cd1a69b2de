package dev.flagstore.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.flagstore.changes.FlagChange;
import dev.flagstore.changes.FlagChangeListener;

/** Records the changes it receives and the threads it received them on. */
class RecordingChanges implements FlagChangeListener {

	final List<FlagChange> received = new CopyOnWriteArrayList<>();

	final List<Thread> threads = new CopyOnWriteArrayList<>();

	@Override
	public void onFlagChange(FlagChange change) {
		this.threads.add(Thread.currentThread());
		this.received.add(change);
	}

	/** The changes as {@code kind/key@version}, in the order received. */
	List<String> seen() {
		return this.received.stream().map(c -> c.kind().getName() + "/" + c.key() + "@" + c.version()).toList();
	}

}
