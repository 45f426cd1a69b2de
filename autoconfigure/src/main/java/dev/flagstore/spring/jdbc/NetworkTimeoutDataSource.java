package dev.flagstore.spring.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out connections with a JDBC network timeout, so a database that stops answering (a hung server, a
 * partitioned network) fails the store's call instead of hanging it. The previous timeout is restored when the
 * connection is closed (returned to the pool), so the application's other users of the pool are not affected.
 * Drivers without network-timeout support are used as they are.
 */
final class NetworkTimeoutDataSource extends DelegatingDataSource {

	private static final Executor DIRECT = Runnable::run;

	private final int timeoutMillis;

	private volatile boolean supported = true;

	NetworkTimeoutDataSource(DataSource target, int timeoutMillis) {
		super(target);
		this.timeoutMillis = timeoutMillis;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return withTimeout(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return withTimeout(obtainTargetDataSource().getConnection(username, password));
	}

	private Connection withTimeout(Connection connection) throws SQLException {
		if (!this.supported || this.timeoutMillis <= 0) {
			return connection;
		}
		int previous;
		try {
			previous = connection.getNetworkTimeout();
			connection.setNetworkTimeout(DIRECT, this.timeoutMillis);
		}
		catch (SQLException | AbstractMethodError | UnsupportedOperationException ex) {
			if (connection.isClosed()) {
				throw (ex instanceof SQLException sqlException) ? sqlException : new SQLException(ex);
			}
			// The driver cannot do it: fall back to statement query timeouts alone.
			this.supported = false;
			return connection;
		}
		return (Connection) Proxy.newProxyInstance(NetworkTimeoutDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("equals") && method.getParameterCount() == 1) {
						return proxy == args[0];
					}
					if (method.getName().equals("hashCode") && method.getParameterCount() == 0) {
						return System.identityHashCode(proxy);
					}
					if (method.getName().equals("close") && method.getParameterCount() == 0) {
						try {
							if (!connection.isClosed()) {
								connection.setNetworkTimeout(DIRECT, previous);
							}
						}
						catch (SQLException ex) {
							// A broken connection: closing it is all that is left to do.
						}
					}
					else if (method.getName().equals("unwrap") && args != null && args.length == 1
							&& args[0] instanceof Class<?> type && type.isInstance(connection)) {
						return connection;
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				});
	}

}
