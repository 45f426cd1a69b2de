package dev.flagstore.spring;

/**
 * What a test class of the integration tests holds on a shared test server (its Redis keys, its tables), handed
 * out by {@link TestServers}: made once per test class and closed after its last test.
 */
public interface TestServerResource extends AutoCloseable {

	/**
	 * Skips the calling test with the reason when the server does not answer, or fails it when {@code CI=true}
	 * ({@link dev.flagstore.test.ServerAssumptions}).
	 */
	void requireServer();

	/**
	 * Closes the connections the last test opened through this resource; the resource stays usable.
	 */
	default void afterEach() {
	}

	/**
	 * Deletes the test class's data from the server and closes the resource's own connections. Called once.
	 */
	@Override
	void close();

}
