package dev.flagstore.spring.jdbc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says which database server the {@link ServerTables} parameter that it annotates are on, for
 * {@link dev.flagstore.spring.TestServers}: {@code MariaDbOutageIT(@OnServer(MARIADB) ServerTables tables)}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnServer {

	/**
	 * The server the tables are created on.
	 * @return the server
	 */
	DatabaseServer value();

}
