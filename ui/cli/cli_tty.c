/* cli_tty.c: asking the person at the terminal (the command line's questions). */
#include "ui/cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>

/* Read a line from the terminal, without echo when secret. */
bool cli_tty_line(const char *prompt, char *out, size_t size, bool secret)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return false;
	struct termios old, t;
	bool restore = false;
	fputs(prompt, tty);
	fflush(tty);
	if (secret && tcgetattr(fileno(tty), &old) == 0) {
		t = old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &t) == 0;
	}
	bool ok = fgets(out, (int)size, tty) != NULL;
	if (restore) {
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fputs("\n", tty);
	}
	fclose(tty);
	if (ok)
		out[strcspn(out, "\r\n")] = '\0';
	return ok;
}

bool cli_password(const char *question, bool from_stdin, bool tty, char *out, size_t size)
{
	out[0] = '\0';
	if (from_stdin) {
		if (!fgets(out, (int)size, stdin))
			return false;
		out[strcspn(out, "\r\n")] = '\0';
		return true;
	}
	if (!tty)
		return false;
	char prompt[600];
	snprintf(prompt, sizeof(prompt), "%s: ", question);
	return cli_tty_line(prompt, out, size, true);
}
