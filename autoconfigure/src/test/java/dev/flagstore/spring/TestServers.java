package dev.flagstore.spring;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.flagstore.spring.jdbc.OnServer;
import dev.flagstore.spring.jdbc.ServerTables;
import dev.flagstore.spring.redis.RedisServerKeys;
import dev.flagstore.test.ServerAssumptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;

/**
 * The JUnit extension of the integration tests: a test class declares what it needs on a test server as a
 * parameter of its constructor and gets it ready, and cleaned up after it: {@link RedisServerKeys}, the class's
 * keys on the Redis test server, or {@link ServerTables} annotated with {@link OnServer @OnServer}, the class's
 * tables on the PostgreSQL or MariaDB test server.
 *
 * <p>The servers are found once per JVM: {@code FLAGSTORE_REDIS_URL}, {@code FLAGSTORE_POSTGRES_URL} or
 * {@code FLAGSTORE_MARIADB_URL} when set, else a Testcontainers container when a Docker engine answers, else the
 * local server. A server that does not answer skips each test of the class before its {@code @BeforeEach} methods,
 * with the reason (test by test, so that the reason shows in the reports), or fails it when {@code CI=true}. A
 * class's resources are made for its first test and closed after its last; what a test opened through them is
 * closed after that test's {@code @AfterEach} methods. (A resource asked for by a test or {@code @BeforeEach}
 * method instead works too; then the rule applies when the test first reaches the server through it.)
 */
public final class TestServers
		implements ParameterResolver, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private static final Namespace NAMESPACE = Namespace.create(TestServers.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == RedisServerKeys.class || type == ServerTables.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		// No skipping here: JUnit turns any exception of a resolver, an aborted assumption too, into a failure.
		Class<?> type = parameterContext.getParameter().getType();
		ExtensionContext classContext = classContext(extensionContext);
		Class<?> testClass = classContext.getRequiredTestClass();
		TestServerResource resource;
		if (type == ServerTables.class) {
			OnServer server = parameterContext.findAnnotation(OnServer.class)
				.orElseThrow(() -> new ParameterResolutionException("Say which database the tables of "
						+ parameterContext.getParameter() + " are on: @OnServer(DatabaseServer.POSTGRESQL)"));
			resource = resources(classContext).get(ServerTables.class.getName() + ":" + server.value(),
					() -> new ServerTables(server.value()));
		}
		else {
			resource = resources(classContext).get(RedisServerKeys.class.getName(),
					() -> new RedisServerKeys(testClass));
		}
		return resource;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		ClassResources resources = existingResources(context);
		if (resources != null) {
			resources.requireServers();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		ClassResources resources = existingResources(context);
		if (resources != null) {
			resources.afterEach();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		ClassResources resources = context.getStore(NAMESPACE).remove(ClassResources.class, ClassResources.class);
		if (resources != null) {
			resources.close();
		}
	}

	/**
	 * Whether a Docker engine answers, so that Testcontainers can start servers.
	 * @return whether Docker is available
	 */
	public static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/**
	 * Why a TCP connection to a server fails, for {@link ServerAssumptions#assumeServer(String)}.
	 * @param what the server's name, for the message
	 * @param host its host
	 * @param port its port
	 * @param variable the environment variable that points the tests at another server
	 * @return the reason, or {@code null} when the connection succeeds
	 */
	public static @Nullable String unreachableReason(String what, String host, int port, String variable) {
		String failure = ServerAssumptions.connectionFailure(host, port, Duration.ofSeconds(2));
		if (failure == null) {
			return null;
		}
		return what + " is not reachable at " + host + ":" + port + " (" + failure + "). Start it, or point "
				+ variable + " at one, or run with a Docker engine for Testcontainers.";
	}

	/** The context of the test class, also when called for one of its tests. */
	private static ExtensionContext classContext(ExtensionContext context) {
		ExtensionContext current = context;
		while (current.getTestMethod().isPresent()) {
			current = current.getParent().orElseThrow();
		}
		return current;
	}

	private static @Nullable ClassResources existingResources(ExtensionContext context) {
		return classContext(context).getStore(NAMESPACE).get(ClassResources.class, ClassResources.class);
	}

	private static ClassResources resources(ExtensionContext classContext) {
		ExtensionContext.Store store = classContext.getStore(NAMESPACE);
		ClassResources resources = store.get(ClassResources.class, ClassResources.class);
		if (resources == null) {
			resources = new ClassResources();
			store.put(ClassResources.class, resources);
		}
		return resources;
	}

	/**
	 * The resources of one test class, closed in reverse order of creation. Not {@link AutoCloseable}: closing is
	 * this extension's {@code afterAll}, not the store's. Tests of one class run on one thread.
	 */
	private static final class ClassResources {

		private final Map<String, TestServerResource> byKey = new LinkedHashMap<>();

		TestServerResource get(String key, Supplier<TestServerResource> factory) {
			TestServerResource resource = this.byKey.get(key);
			if (resource == null) {
				resource = factory.get();
				this.byKey.put(key, resource);
			}
			return resource;
		}

		void requireServers() {
			this.byKey.values().forEach(TestServerResource::requireServer);
		}

		void afterEach() {
			this.byKey.values().forEach(TestServerResource::afterEach);
		}

		void close() {
			Deque<TestServerResource> reversed = new ArrayDeque<>(this.byKey.values());
			RuntimeException failure = null;
			while (!reversed.isEmpty()) {
				try {
					reversed.removeLast().close();
				}
				catch (RuntimeException ex) {
					if (failure == null) {
						failure = ex;
					}
					else {
						failure.addSuppressed(ex);
					}
				}
			}
			if (failure != null) {
				throw failure;
			}
		}

	}

}
