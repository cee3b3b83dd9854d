/* journal_undo.h: the undo of each journal operation (the table in journal_ops.c names them):
 * with u->dry only the sentence that describes it. Every undo looks first and is idempotent. */
#ifndef SPARKLINK_JOURNAL_UNDO_H
#define SPARKLINK_JOURNAL_UNDO_H

#include "core/jobs/journal_ops.h"

enum journal_undo undo_nothing(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_backup(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_file_write(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_addr_add(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_mtu_set(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_link_up(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_ll4(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_ll6(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_nm_profile(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_authkeys(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_known_hosts(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_ssh_config(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_key_create(const struct journal_record *r, const struct undo_ctx *u);
enum journal_undo undo_user_create(const struct journal_record *r, const struct undo_ctx *u);

#endif
