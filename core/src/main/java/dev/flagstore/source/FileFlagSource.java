package dev.flagstore.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.flagstore.source.FlagFileParser.Content;
import dev.flagstore.source.FlagFileParser.FlagFileException;
import dev.flagstore.source.FlagFileParser.Parsed;
import dev.flagstore.store.DataKind;
import dev.flagstore.store.FullDataSet;
import dev.flagstore.store.ItemDescriptor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FlagSource} that reads flag files (JSON, or YAML with jackson-dataformat-yaml on the class path) and
 * picks up their edits without a restart.
 *
 * <p>A file holds {@code {"<kind>": {"<key>": <item>, ...}, ...}}, the top-level keys being the names of the
 * {@link DataKind}s given to the {@link #builder(Collection) builder}; items may omit {@code version} (see
 * {@code docs/flag-source.md} for the rule). Several inputs are merged in order, a later one overriding an earlier
 * one item by item. Each good load replaces the store's data with one {@code init}, so an item removed from the
 * files is removed from the store. Files ending in {@code .yaml} or {@code .yml} are YAML.
 *
 * <p>Files are watched ({@link WatchService} on their directories) and, as a fallback where events are missed or
 * late (network file systems, some containers), checked every poll interval by content. A change is loaded once the
 * content has stayed the same for the debounce time, so a file being written is not read half-way; a malformed,
 * empty or missing file reports {@link FlagSourceErrorKind#INVALID_DATA} (naming the file, and line and column
 * where the parser gives them) and the last good data stays in the store. Classpath resources are read once.
 *
 * <p>Two daemon threads, {@code flagstore-file-source} (loads) and {@code flagstore-file-source-watch} (waits for
 * file-system events), run from {@link #start} until {@link #close()}. Thread-safe.
 */
public final class FileFlagSource implements FlagSource {

	private static final Logger logger = LoggerFactory.getLogger(FileFlagSource.class);

	/** How long {@link #close()} waits for each thread to end. */
	private static final long JOIN_MILLIS = 5000;

	private enum Signal {

		CHANGE, RESYNC, STOP

	}

	private final List<Input> inputs;

	private final Collection<DataKind> kinds;

	private final @Nullable String keyProperty;

	private final long pollNanos;

	private final long debounceNanos;

	private final boolean watch;

	private final Clock clock;

	private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Directory → its watch key; written by the loading thread, read by the watching thread. */
	private final Map<Path, WatchKey> watchKeys = new ConcurrentHashMap<>();

	private volatile @Nullable WatchService watchService;

	private volatile @Nullable Thread loader;

	private volatile @Nullable Thread watcher;

	/**
	 * Describes the source: its files and classpath resources (in merge order), the kinds it reads, and how it
	 * watches for changes.
	 * @return the description
	 */
	@Override
	public Map<String, Object> describeConfiguration() {
		Map<String, Object> description = new java.util.LinkedHashMap<>();
		description.put("type", "file");
		description.put("paths", this.inputs.stream().map(Input::name).toList());
		description.put("kinds", this.kinds.stream().map(DataKind::getName).toList());
		description.put("watchFileSystem", this.watch);
		description.put("pollInterval", java.time.Duration.ofNanos(this.pollNanos).toString());
		description.put("debounce", java.time.Duration.ofNanos(this.debounceNanos).toString());
		return description;
	}

	private FileFlagSource(Builder builder) {
		this.inputs = List.copyOf(builder.inputs);
		this.kinds = List.copyOf(builder.kinds);
		this.keyProperty = builder.keyProperty;
		this.pollNanos = builder.pollInterval.toNanos();
		this.debounceNanos = builder.debounce.toNanos();
		this.watch = builder.watch;
		this.clock = builder.clock;
	}

	/**
	 * A builder for a source of items of {@code kinds}.
	 * @param kinds the kinds the files may hold (the application's {@link DataKind}s); at least one
	 * @return the builder
	 */
	public static Builder builder(Collection<DataKind> kinds) {
		return new Builder(kinds);
	}

	/**
	 * Starts the loading thread, which reads the files at once, and the watching thread.
	 * @throws IllegalStateException if called twice, or after {@link #close()}
	 */
	@Override
	public void start(FlagSourceUpdateSink sink) {
		Objects.requireNonNull(sink, "sink");
		if (this.closed.get() || !this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("A FileFlagSource starts once, and not after close()");
		}
		if (this.watch && this.inputs.stream().anyMatch(FileInput.class::isInstance)) {
			try {
				WatchService service = FileSystems.getDefault().newWatchService();
				this.watchService = service;
				Thread watching = new Thread(() -> watch(service), "flagstore-file-source-watch");
				watching.setDaemon(true);
				this.watcher = watching;
			}
			catch (IOException | UnsupportedOperationException ex) {
				logger.info("No file-system events for the flag files ({}); checking them every {} ms", ex.toString(),
						TimeUnit.NANOSECONDS.toMillis(this.pollNanos));
			}
		}
		Thread loading = new Thread(new Loader(sink)::run, "flagstore-file-source");
		loading.setDaemon(true);
		this.loader = loading;
		loading.start();
		Thread watching = this.watcher;
		if (watching != null) {
			watching.start();
		}
	}

	/** Sends the last good data set again ({@code init}), soon, from the loading thread. Returns at once. */
	@Override
	public void resync() {
		if (!this.closed.get()) {
			this.signals.add(Signal.RESYNC);
		}
	}

	/**
	 * Stops both threads and waits for them (a load in progress finishes first); nothing is written after it
	 * returns. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.signals.add(Signal.STOP);
		WatchService service = this.watchService;
		if (service != null) {
			try {
				service.close();
			}
			catch (IOException ex) {
				logger.debug("Closing the flag files' watch service failed", ex);
			}
		}
		join(this.watcher);
		join(this.loader);
	}

	/** Joins, then interrupts and joins again; the caller's own interrupt does not cut the wait short (kept). */
	private static void join(@Nullable Thread thread) {
		if (thread == null || thread == Thread.currentThread()) {
			return;
		}
		boolean interrupted = false;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
		for (int round = 0; round < 2 && thread.isAlive(); round++) {
			if (round == 1) {
				thread.interrupt();
				deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
			}
			while (thread.isAlive()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedJoin(thread, left);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** The watching thread: every event in a watched directory is a hint to check the files. */
	private void watch(WatchService service) {
		try {
			while (!this.closed.get()) {
				WatchKey key = service.take();
				key.pollEvents();
				if (!key.reset()) {
					// The directory went away: the loader registers it again once it is back.
					this.watchKeys.values().remove(key);
				}
				this.signals.add(Signal.CHANGE);
			}
		}
		catch (ClosedWatchServiceException | InterruptedException ex) {
			// close()
		}
	}

	/** Registers the directories that exist and are not watched yet; called by the loading thread. */
	private void registerDirectories() {
		WatchService service = this.watchService;
		if (service == null) {
			return;
		}
		for (Input input : this.inputs) {
			if (input instanceof FileInput file) {
				Path directory = file.directory();
				WatchKey key = this.watchKeys.get(directory);
				if ((key == null || !key.isValid()) && Files.isDirectory(directory)) {
					try {
						this.watchKeys.put(directory, directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
								StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
					}
					catch (IOException | ClosedWatchServiceException ex) {
						logger.debug("Cannot watch {}; it is checked every poll interval", directory, ex);
					}
				}
			}
		}
	}

	/** The loading thread's work and state (confined to it). */
	private final class Loader {

		private final FlagFileParser parser = new FlagFileParser(FileFlagSource.this.kinds,
				FileFlagSource.this.keyProperty);

		private final FlagSourceUpdateSink sink;

		/** The contents last loaded (well or not): a check that finds them again does nothing. */
		private @Nullable List<Content> handled;

		/** Changed contents waiting to stay the same for the debounce time, and since when they have. */
		private @Nullable List<Content> pending;

		private long pendingSince;

		private @Nullable FullDataSet<ItemDescriptor> lastGood;

		/** A resync asked for while a change was pending: the load that ends it sends the data. */
		private boolean resyncOwed;

		Loader(FlagSourceUpdateSink sink) {
			this.sink = sink;
		}

		void run() {
			try {
				loop();
			}
			catch (InterruptedException ex) {
				// close() gave up waiting
			}
			catch (RuntimeException | Error ex) {
				if (!FileFlagSource.this.closed.get()) {
					logger.error("The flag file source failed and stopped", ex);
					this.sink.updateStatus(FlagSourceState.OFF, FlagSourceErrorInfo.of(FlagSourceErrorKind.UNKNOWN,
							"the file source stopped: " + ex, FileFlagSource.this.clock.instant()));
				}
				throw ex;
			}
		}

		private void loop() throws InterruptedException {
			long waitNanos = 0;
			while (true) {
				Signal signal = (waitNanos > 0) ? FileFlagSource.this.signals.poll(waitNanos, TimeUnit.NANOSECONDS)
						: FileFlagSource.this.signals.poll();
				boolean resync = false;
				while (signal != null) {
					if (signal == Signal.STOP) {
						return;
					}
					resync |= signal == Signal.RESYNC;
					signal = FileFlagSource.this.signals.poll();
				}
				if (FileFlagSource.this.closed.get()) {
					return;
				}
				registerDirectories();
				List<Content> current = read();
				long now = System.nanoTime();
				List<Content> handled = this.handled;
				if (handled == null) {
					// The first load: no earlier content to protect, no wait.
					handle(current);
					waitNanos = FileFlagSource.this.pollNanos;
				}
				else if (!sameContent(current, handled)) {
					List<Content> pending = this.pending;
					if (pending == null || !sameContent(current, pending)) {
						this.pending = current;
						this.pendingSince = now;
					}
					long quiet = now - this.pendingSince;
					if (quiet >= FileFlagSource.this.debounceNanos) {
						handle(current);
						waitNanos = FileFlagSource.this.pollNanos;
					}
					else {
						waitNanos = FileFlagSource.this.debounceNanos - quiet;
					}
				}
				else {
					// Back to the content last handled: a resync owed to the pending change is served now.
					this.pending = null;
					if (this.resyncOwed) {
						this.resyncOwed = false;
						resync = true;
					}
					waitNanos = FileFlagSource.this.pollNanos;
				}
				if (resync) {
					if (this.pending != null) {
						this.resyncOwed = true;
					}
					else {
						resend();
					}
				}
			}
		}

		private void handle(List<Content> contents) {
			this.handled = contents;
			this.pending = null;
			Parsed parsed;
			try {
				parsed = this.parser.parse(contents);
			}
			catch (FlagFileException ex) {
				logger.warn("Flag files not loaded: {}; the store keeps the last good data", ex.getMessage());
				this.sink.updateStatus(FlagSourceState.INTERRUPTED, FlagSourceErrorInfo
					.of(FlagSourceErrorKind.INVALID_DATA, ex.getMessage(), FileFlagSource.this.clock.instant()));
				if (this.resyncOwed) {
					this.resyncOwed = false;
					resend();
				}
				return;
			}
			if (FileFlagSource.this.closed.get()) {
				return;
			}
			this.resyncOwed = false;
			this.sink.init(parsed.data());
			this.parser.accept(parsed);
			this.lastGood = parsed.data();
			logger.info("Loaded {} flag items from {}", parsed.itemCount(), names());
			this.sink.updateStatus(FlagSourceState.VALID, null);
		}

		private void resend() {
			FullDataSet<ItemDescriptor> data = this.lastGood;
			if (data != null && !FileFlagSource.this.closed.get()) {
				this.sink.init(data);
			}
		}

		private List<Content> read() {
			List<Content> contents = new ArrayList<>(FileFlagSource.this.inputs.size());
			for (Input input : FileFlagSource.this.inputs) {
				contents.add(input.read());
			}
			return contents;
		}

		private String names() {
			List<String> names = new ArrayList<>();
			FileFlagSource.this.inputs.forEach((input) -> names.add(input.name()));
			return String.join(", ", names);
		}

	}

	private static boolean sameContent(List<Content> a, List<Content> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (int i = 0; i < a.size(); i++) {
			Content x = a.get(i);
			Content y = b.get(i);
			if (!Arrays.equals(x.bytes(), y.bytes()) || !Objects.equals(x.readError(), y.readError())) {
				return false;
			}
		}
		return true;
	}

	private static boolean isYaml(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		return lower.endsWith(".yaml") || lower.endsWith(".yml");
	}

	/** One file or resource to read. */
	private sealed interface Input permits FileInput, ClasspathInput {

		String name();

		Content read();

	}

	/** A file, read on each check. */
	private record FileInput(Path path) implements Input {

		Path directory() {
			Path parent = this.path.toAbsolutePath().getParent();
			return (parent != null) ? parent : this.path.toAbsolutePath();
		}

		@Override
		public String name() {
			return this.path.toString();
		}

		@Override
		public Content read() {
			try {
				Instant modified = Files.getLastModifiedTime(this.path).toInstant();
				return new Content(name(), isYaml(name()), Files.readAllBytes(this.path), modified, null);
			}
			catch (NoSuchFileException ex) {
				return new Content(name(), false, null, null, "flags file " + name() + " not found");
			}
			catch (IOException ex) {
				return new Content(name(), false, null, null, "cannot read flags file " + name() + ": " + ex);
			}
		}

	}

	/** A classpath resource: read once (it does not change while the application runs). */
	private static final class ClasspathInput implements Input {

		private final String resource;

		private final ClassLoader classLoader;

		private volatile @Nullable Content content;

		ClasspathInput(String resource, ClassLoader classLoader) {
			this.resource = resource;
			this.classLoader = classLoader;
		}

		@Override
		public String name() {
			return "classpath:" + this.resource;
		}

		@Override
		public Content read() {
			Content read = this.content;
			if (read == null) {
				read = load();
				this.content = read;
			}
			return read;
		}

		private Content load() {
			try (InputStream in = this.classLoader.getResourceAsStream(this.resource)) {
				if (in == null) {
					return new Content(name(), false, null, null, "flags resource " + name() + " not found");
				}
				return new Content(name(), isYaml(this.resource), in.readAllBytes(), null, null);
			}
			catch (IOException ex) {
				return new Content(name(), false, null, null, "cannot read flags resource " + name() + ": " + ex);
			}
		}

	}

	/**
	 * Settings of a {@link FileFlagSource}; validated as they are set. Not thread-safe; build once.
	 */
	public static final class Builder {

		private final Set<DataKind> kinds;

		private final List<Input> inputs = new ArrayList<>();

		private @Nullable String keyProperty = "key";

		private Duration pollInterval = Duration.ofSeconds(1);

		private Duration debounce = Duration.ofMillis(100);

		private boolean watch = true;

		private Clock clock = Clock.systemUTC();

		private Builder(Collection<DataKind> kinds) {
			Objects.requireNonNull(kinds, "kinds");
			this.kinds = new LinkedHashSet<>(kinds);
			if (this.kinds.isEmpty()) {
				throw new IllegalArgumentException("kinds must not be empty: the files' top-level keys are kind names");
			}
			this.kinds.forEach((kind) -> Objects.requireNonNull(kind, "kind"));
		}

		/**
		 * Adds a file, watched for changes; inputs are merged in the order they are added.
		 * @param file the file; it need not exist yet (until it does, the source reports it missing)
		 * @return this builder
		 */
		public Builder path(Path file) {
			Objects.requireNonNull(file, "file");
			requireYamlSupport(file.toString());
			this.inputs.add(new FileInput(file));
			return this;
		}

		/**
		 * Adds a classpath resource, read once; inputs are merged in the order they are added.
		 * @param resource the resource's name, such as {@code flags.json} (no leading {@code /})
		 * @param classLoader where to find it
		 * @return this builder
		 */
		public Builder classpathResource(String resource, ClassLoader classLoader) {
			Objects.requireNonNull(resource, "resource");
			Objects.requireNonNull(classLoader, "classLoader");
			requireYamlSupport(resource);
			this.inputs.add(new ClasspathInput(resource.startsWith("/") ? resource.substring(1) : resource,
					classLoader));
			return this;
		}

		/**
		 * How often the files are checked for changes besides file-system events (which may be missed on network
		 * file systems and in some containers); default 1 s.
		 * @param pollInterval a positive duration
		 * @return this builder
		 */
		public Builder pollInterval(Duration pollInterval) {
			Objects.requireNonNull(pollInterval, "pollInterval");
			if (pollInterval.isNegative() || pollInterval.isZero()) {
				throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
			}
			this.pollInterval = pollInterval;
			return this;
		}

		/**
		 * How long changed content must stay the same before it is loaded, so that a file being written is not
		 * read half-way; default 100 ms. {@code 0} loads every change at once.
		 * @param debounce a duration, not negative
		 * @return this builder
		 */
		public Builder debounce(Duration debounce) {
			Objects.requireNonNull(debounce, "debounce");
			if (debounce.isNegative()) {
				throw new IllegalArgumentException("debounce must not be negative: " + debounce);
			}
			this.debounce = debounce;
			return this;
		}

		/**
		 * Whether to watch the files' directories for file-system events (default); with {@code false}, changes are
		 * seen by the periodic check only.
		 * @param watch whether to watch
		 * @return this builder
		 */
		public Builder watchFileSystem(boolean watch) {
			this.watch = watch;
			return this;
		}

		/**
		 * The item property set to the item's key when the item does not have it (default {@code key}), so that
		 * {@code {"features": {"dark-mode": {"on": true}}}} reads as an item whose {@code key} is
		 * {@code dark-mode}; {@code null} leaves items as written.
		 * @param keyProperty the property name, or {@code null}
		 * @return this builder
		 */
		public Builder keyProperty(@Nullable String keyProperty) {
			this.keyProperty = keyProperty;
			return this;
		}

		/**
		 * The clock of the errors the source reports; default UTC system clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Builds the source; nothing is read until {@link FileFlagSource#start}.
		 * @return the source
		 * @throws IllegalStateException if no file or resource was added
		 */
		public FileFlagSource build() {
			if (this.inputs.isEmpty()) {
				throw new IllegalStateException("Add at least one flags file (path) or classpathResource");
			}
			return new FileFlagSource(this);
		}

		private static void requireYamlSupport(String name) {
			if (isYaml(name) && !YamlTrees.isAvailable(FileFlagSource.class.getClassLoader())) {
				throw new IllegalStateException("Reading the YAML flags file " + name + " needs "
						+ "tools.jackson.dataformat:jackson-dataformat-yaml on the class path");
			}
		}

	}

}
