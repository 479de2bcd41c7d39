package dev.mediaup.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code config-template}: the config file {@code serve --config} reads, with every option of {@code serve} as a
 * commented key at its default and its help as the comment — made from the command's own definition, so the file a
 * package installs (/etc/mediaup/mediaup.conf) never lags behind the options. {@code --set key=value} writes a key
 * uncommented (the package's data dir).
 */
@Command(name = "config-template", hidden = true, mixinStandardHelpOptions = true,
        description = "Print a config file for serve --config: every option, commented, at its default.")
final class ConfigTemplate implements Callable<Integer> {
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A key to write uncommented, with this value.")
    Map<String, String> set = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("# mediaup's server settings, read by `mediaup serve --config FILE` (and by every mediaup command when");
        out.println("# MEDIAUP_CONFIG names this file). Keys are serve's options without the dashes; a flag or a MEDIAUP_*");
        out.println("# environment variable given to the process wins over this file. Lines starting with # are defaults.");
        List<OptionSpec> options = new CommandLine(new ServeCommand()).getCommandSpec().options();
        for (String key : set.keySet())
            if (options.stream().noneMatch(o -> o.longestName().equals("--" + key)))
                throw new CommandLine.ParameterException(spec.commandLine(), "serve has no option --" + key);
        for (OptionSpec o : options) {
            String key = o.longestName().replaceFirst("^--", "");
            if (o.usageHelp() || o.versionHelp() || key.equals("config")) continue;
            out.println();
            for (String line : o.description()) out.println("# " + line.replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())));
            String value = set.get(key);
            if (value != null) out.println(key + "=" + value);
            else out.println("#" + key + "=" + (o.defaultValue() == null ? "" : o.defaultValue()));
        }
        out.flush();
        return 0;
    }
}
