# bash completion for xenshm-compose                       -*- shell-script -*-
#
# Everything it offers comes from the binary itself, so it never lags behind
# it: the commands from `xenshm-compose --help`, each command's options and
# --format values from its usage line (`xenshm-compose COMMAND --help`), the
# check names from `xenshm-compose explain --list`. Files by suffix:
# topologies (.yaml, .yml) for FILE, xl configs (.cfg) for import,
# directories for build -o.

# _xenshm_compose_usage CMD: the command's usage line, asked once a session
_xenshm_compose_usage()
{
	local var="_xenshm_compose_usage_${1//[^a-z]/_}"
	if [[ -z ${!var-} ]]; then
		printf -v "$var" '%s' "$("$_xenshm_compose_bin" "$1" --help 2>/dev/null | head -1)"
	fi
	printf '%s\n' "${!var}"
}

# the check names, for -W, -E, -Wno- and explain
_xenshm_compose_checks()
{
	"$_xenshm_compose_bin" explain --list 2>/dev/null | awk '{ print $1 }'
}

# _xenshm_compose_reply CMD...: COMPREPLY from CMD's lines
_xenshm_compose_reply()
{
	mapfile -t COMPREPLY < <("$@")
}

_xenshm_compose_files()	# PREFIX SUFFIX...: files with one of the suffixes, and directories
{
	local cur=$1 s
	shift
	for s in "$@"; do
		compgen -f -X "!*.$s" -- "$cur"
	done
	compgen -d -- "$cur"
}

_xenshm_compose()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	_xenshm_compose_bin=${words[0]}
	local cmd=${words[1]-} usage

	if ((cword == 1)); then
		_xenshm_compose_reply compgen -W "$("$_xenshm_compose_bin" --help 2>/dev/null |
			awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
			--help --version" -- "$cur"
		return
	fi
	usage=$(_xenshm_compose_usage "$cmd")

	case $prev in
	-W | -E)
		_xenshm_compose_reply compgen -W "$(_xenshm_compose_checks)" -- "$cur"
		return
		;;
	--format)	# the values in this command's usage: [--format a|b|c]
		_xenshm_compose_reply compgen -W "$(sed -n 's/.*--format \([a-z|]*\).*/\1/p' <<<"$usage" |
			tr '|' ' ')" -- "$cur"
		return
		;;
	--arch)	# likewise: [--arch a|b]
		_xenshm_compose_reply compgen -W "$(sed -n 's/.*--arch \([a-z0-9_|]*\).*/\1/p' <<<"$usage" |
			tr '|' ' ')" -- "$cur"
		return
		;;
	--name)
		return	# a new project's name: nothing to guess
		;;
	-o)
		if [[ $cmd == build ]]; then
			_xenshm_compose_reply compgen -d -- "$cur"
		else
			_xenshm_compose_reply compgen -f -- "$cur"
		fi
		compopt -o filenames 2>/dev/null
		return
		;;
	-p)
		return	# project names live on the Xen host: nothing to guess
		;;
	esac

	if [[ $cur == -Wno-* ]]; then
		_xenshm_compose_reply compgen -P -Wno- -W "$(_xenshm_compose_checks)" -- "${cur#-Wno-}"
		return
	fi
	if [[ $cur == -* ]]; then
		# the options of the usage line (-Wno-NAME offered as -Wno-)
		_xenshm_compose_reply compgen -W "$(grep -oE -- '(\[| )-[-A-Za-z]+' <<<"$usage" |
			sed 's/^[[ ]//; s/^-Wno-.*/-Wno-/' | sort -u) --help" -- "$cur"
		return
	fi
	case $cmd in
	explain)
		_xenshm_compose_reply compgen -W "$(_xenshm_compose_checks) --list --all" -- "$cur"
		;;
	import)
		_xenshm_compose_reply _xenshm_compose_files "$cur" cfg
		compopt -o filenames 2>/dev/null
		;;
	*)
		_xenshm_compose_reply _xenshm_compose_files "$cur" yaml yml
		compopt -o filenames 2>/dev/null
		;;
	esac
}
complete -F _xenshm_compose xenshm-compose
