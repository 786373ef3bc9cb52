<?php
# Prepended by scripts/devwiki (php -d auto_prepend_file=...) to a MediaWiki maintenance script
# that takes a password as an argument: appends the values of the secrets named in
# DEVWIKI_SECRET_ARGS (space-separated names, e.g. BOT_PASSWORD) to the script's arguments,
# read from the file DEVWIKI_SECRETS (secrets.env, mode 600). The password thus reaches the
# script without appearing on any command line (ps, /proc/PID/cmdline show every local user
# those) or in any environment variable (which holds only names).
#
# MediaWiki's Maintenance reads `global $argv` after this file has run, in the same process.
$devwikiNames = preg_split( '/\s+/', trim( (string)getenv( 'DEVWIKI_SECRET_ARGS' ) ), -1, PREG_SPLIT_NO_EMPTY );
if ( $devwikiNames ) {
	$devwikiValues = [];
	$devwikiFile = (string)getenv( 'DEVWIKI_SECRETS' );
	$devwikiLines = $devwikiFile === '' ? false : file( $devwikiFile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES );
	foreach ( $devwikiLines ?: [] as $devwikiLine ) {
		$devwikiPair = explode( '=', $devwikiLine, 2 );
		if ( count( $devwikiPair ) === 2 ) {
			$devwikiValues[trim( $devwikiPair[0] )] = trim( $devwikiPair[1] );
		}
	}
	foreach ( $devwikiNames as $devwikiName ) {
		if ( !isset( $devwikiValues[$devwikiName] ) || $devwikiValues[$devwikiName] === '' ) {
			fwrite( STDERR, "devwiki: no $devwikiName in DEVWIKI_SECRETS ($devwikiFile)\n" );
			exit( 1 );
		}
		$argv[] = $devwikiValues[$devwikiName];
	}
	$argc = count( $argv );
	$_SERVER['argv'] = $argv;
	$_SERVER['argc'] = $argc;
	unset( $devwikiValues, $devwikiLines, $devwikiLine, $devwikiPair, $devwikiName, $devwikiFile );
	putenv( 'DEVWIKI_SECRET_ARGS' );
	putenv( 'DEVWIKI_SECRETS' );
}
unset( $devwikiNames );
