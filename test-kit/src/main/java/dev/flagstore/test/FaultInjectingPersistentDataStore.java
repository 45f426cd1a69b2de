package dev.flagstore.test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.flagstore.status.DataStoreUpdateSink;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.KeyedItems;
import dev.flagstore.store.PersistentDataStore;
import dev.flagstore.store.SerializedItemDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PersistentDataStore} decorator that a test can tell to fail, hang, slow down or recover, to drive a
 * {@link dev.flagstore.store.PersistentDataStoreWrapper} through outages without a real server.
 *
 * <p>A fault applies to the operations it names (all of them when none are named) from the moment it is set, on
 * every thread; {@link #close()} is never faulted. {@link #isStoreAvailable()} reflects the fault: it answers
 * {@code false} while failing, blocks while hanging and is delayed while slow. A hung call blocks until
 * {@link #recover()} (then it proceeds to the delegate) or until its thread is interrupted (then it throws
 * {@link IllegalStateException}, and {@code isStoreAvailable()} answers {@code false}). Thread-safe.
 */
public final class FaultInjectingPersistentDataStore implements PersistentDataStore {

	/** The operations of {@link PersistentDataStore} a fault can target. */
	public enum Operation {

		/** {@link PersistentDataStore#init}. */
		INIT,
		/** {@link PersistentDataStore#get}. */
		GET,
		/** {@link PersistentDataStore#getAll}. */
		GET_ALL,
		/** {@link PersistentDataStore#upsert}. */
		UPSERT,
		/** {@link PersistentDataStore#isInitialized}. */
		IS_INITIALIZED,
		/** {@link PersistentDataStore#isStoreAvailable}. */
		IS_STORE_AVAILABLE

	}

	private enum Mode {

		HEALTHY, FAILING, HANGING, SLOW

	}

	/** One immutable fault setting; replaced as a whole so a call sees a consistent fault. */
	private record Fault(Mode mode, Set<Operation> operations, @Nullable RuntimeException error, Duration delay,
			CountDownLatch release) {

		boolean applies(Operation operation) {
			return this.mode != Mode.HEALTHY && this.operations.contains(operation);
		}

	}

	private final PersistentDataStore delegate;

	private final AtomicReference<Fault> fault = new AtomicReference<>(healthy());

	private final AtomicInteger hungCalls = new AtomicInteger();

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger closeCount = new AtomicInteger();

	/**
	 * Wraps a store; it starts healthy.
	 * @param delegate the store that does the real work
	 */
	public FaultInjectingPersistentDataStore(PersistentDataStore delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
	}

	/**
	 * The decorated store.
	 * @return the delegate
	 */
	public PersistentDataStore getDelegate() {
		return this.delegate;
	}

	/**
	 * From now on the given operations (all when none are given) throw an {@link IllegalStateException} saying
	 * the store is down, and {@code isStoreAvailable()} answers {@code false}.
	 * @param operations the operations to fail; none means all
	 */
	public void fail(Operation... operations) {
		fail(new IllegalStateException("Injected fault: the store is down"), operations);
	}

	/**
	 * From now on the given operations (all when none are given) throw {@code error}, and
	 * {@code isStoreAvailable()} answers {@code false} if it is among them.
	 * @param error the exception to throw (the same instance each time)
	 * @param operations the operations to fail; none means all
	 */
	public void fail(RuntimeException error, Operation... operations) {
		Objects.requireNonNull(error, "error");
		replace(new Fault(Mode.FAILING, operationSet(operations), error, Duration.ZERO, new CountDownLatch(0)));
	}

	/**
	 * From now on the given operations (all when none are given) block until {@link #recover()} or an interrupt,
	 * like a server that accepts requests and never answers.
	 * @param operations the operations to hang; none means all
	 */
	public void hang(Operation... operations) {
		replace(new Fault(Mode.HANGING, operationSet(operations), null, Duration.ZERO, new CountDownLatch(1)));
	}

	/**
	 * From now on the given operations (all when none are given) wait {@code delay} before calling the delegate.
	 * @param delay the added latency; not negative
	 * @param operations the operations to slow down; none means all
	 */
	public void slowDown(Duration delay, Operation... operations) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative: " + delay);
		}
		replace(new Fault(Mode.SLOW, operationSet(operations), null, delay, new CountDownLatch(0)));
	}

	/**
	 * Clears any fault; calls that are hanging proceed to the delegate.
	 */
	public void recover() {
		replace(healthy());
	}

	/**
	 * Whether a fault is set.
	 * @return {@code false} when healthy
	 */
	public boolean isFaulty() {
		return this.fault.get().mode() != Mode.HEALTHY;
	}

	/**
	 * How many calls are blocked by {@link #hang} right now; lets a test wait until the application is stuck.
	 * @return the number of hung calls
	 */
	public int getHungCallCount() {
		return this.hungCalls.get();
	}

	/**
	 * How many calls (of any operation except {@code close}) were made, faulted or not.
	 * @return the call count
	 */
	public int getCallCount() {
		return this.calls.get();
	}

	/**
	 * How many times {@link #close()} was called.
	 * @return the close count
	 */
	public int getCloseCount() {
		return this.closeCount.get();
	}

	@Override
	public void init(FullDataSet<SerializedItemDescriptor> allData) {
		before(Operation.INIT);
		this.delegate.init(allData);
	}

	@Override
	public @Nullable SerializedItemDescriptor get(DataKind kind, String key) {
		before(Operation.GET);
		return this.delegate.get(kind, key);
	}

	@Override
	public KeyedItems<SerializedItemDescriptor> getAll(DataKind kind) {
		before(Operation.GET_ALL);
		return this.delegate.getAll(kind);
	}

	@Override
	public boolean upsert(DataKind kind, String key, SerializedItemDescriptor item) {
		before(Operation.UPSERT);
		return this.delegate.upsert(kind, key, item);
	}

	@Override
	public boolean isInitialized() {
		before(Operation.IS_INITIALIZED);
		return this.delegate.isInitialized();
	}

	@Override
	public boolean isStoreAvailable() {
		try {
			before(Operation.IS_STORE_AVAILABLE);
		}
		catch (RuntimeException ex) {
			return false;
		}
		return this.delegate.isStoreAvailable();
	}

	@Override
	public void close() {
		this.closeCount.incrementAndGet();
		// Close first, then release hung callers (so that closing never leaves threads behind): a released call
		// then meets a closed store, as it would after a real close.
		this.delegate.close();
		this.fault.get().release().countDown();
	}

	@Override
	public void setUpdateSink(@Nullable DataStoreUpdateSink sink) {
		this.delegate.setUpdateSink(sink);
	}

	private void before(Operation operation) {
		this.calls.incrementAndGet();
		Fault current = this.fault.get();
		if (!current.applies(operation)) {
			return;
		}
		switch (current.mode()) {
			case FAILING -> throw Objects.requireNonNull(current.error());
			case HANGING -> awaitRelease(current.release());
			case SLOW -> pause(current.delay());
			default -> {
			}
		}
	}

	private void awaitRelease(CountDownLatch release) {
		this.hungCalls.incrementAndGet();
		try {
			release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Injected fault: a hung store call was interrupted", ex);
		}
		finally {
			this.hungCalls.decrementAndGet();
		}
	}

	private static void pause(Duration delay) {
		try {
			// Latency is the fault being simulated here, not a synchronisation device.
			TimeUnit.NANOSECONDS.sleep(delay.toNanos());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Injected fault: a slow store call was interrupted", ex);
		}
	}

	private void replace(Fault next) {
		Fault previous = this.fault.getAndSet(next);
		previous.release().countDown();
	}

	private static Fault healthy() {
		return new Fault(Mode.HEALTHY, EnumSet.allOf(Operation.class), null, Duration.ZERO, new CountDownLatch(0));
	}

	private static Set<Operation> operationSet(Operation... operations) {
		return (operations.length == 0) ? EnumSet.allOf(Operation.class) : EnumSet.of(operations[0], operations);
	}

}
