"""The page templates: bottle SimpleTemplates from pastebox/templates, compiled once, that let
go of what a page was given as soon as it is written."""

import functools
import os

import bottle

TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates")


class Template(bottle.SimpleTemplate):
    """bottle's SimpleTemplate, its namespace emptied once the page is written: bottle's env
    refers to itself (env.get, include, rebase), so whatever a page was given (a paste, its
    files) would otherwise stay in memory until the cyclic GC happened to run."""

    def execute(self, _stdout, kwargs):  # bottle 0.13's, plus the finally
        env = self.defaults.copy()
        env.update(kwargs)
        env.update({
            "_stdout": _stdout, "_printlist": _stdout.extend,
            "include": functools.partial(self._include, env),
            "rebase": functools.partial(self._rebase, env), "_rebase": None,
            "_str": self._str, "_escape": self._escape,
            "get": env.get, "setdefault": env.setdefault, "defined": env.__contains__,
        })  # fmt: skip
        try:
            exec(self.co, env)
            if env.get("_rebase"):
                subtpl, rargs = env.pop("_rebase")
                rargs["base"] = "".join(_stdout)
                del _stdout[:]
                return self._include(env, subtpl, **rargs)
            return {}
        finally:
            env.clear()


@functools.cache
def template(name: str) -> bottle.SimpleTemplate:
    # Compiled once per name. bottle.template() would key its global cache on id() of the
    # lookup list, which is new on every call: a recompile whenever the id is not reused.
    return Template(name=name, lookup=[TEMPLATES])
