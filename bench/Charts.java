import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws bench/run's CSV (metric, subject, value, unit) as PNG bar charts with JFreeChart: throughput against the peers,
 * initialize latency percentiles, processing times against libvips/ImageMagick and ffmpeg run directly. Each chart says
 * when and on what machine its figures were measured.
 * Usage: java -cp jfreechart.jar bench/Charts.java RESULTS.csv OUT_DIR "machine description"
 */
public class Charts {
    record Row(String metric, String subject, double value, String unit) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<Row> rows = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).map(l -> l.split(","))
                .map(f -> new Row(f[0], f[1], Double.parseDouble(f[2]), f[3])).toList();
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        String footnote = "measured " + java.time.LocalDate.now() + " on " + args[2] + " (one run, servers and client on the same machine)";
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) groups.computeIfAbsent(chartOf(r.metric()), k -> new java.util.ArrayList<>()).add(r);
        for (var g : groups.entrySet()) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (Row r : g.getValue()) data.addValue(r.value(), r.subject(), r.metric());
            String unit = g.getValue().getFirst().unit();
            JFreeChart chart = ChartFactory.createBarChart(title(g.getKey()), null, unit, data, PlotOrientation.HORIZONTAL, true, false, false);
            chart.addSubtitle(new TextTitle(footnote + (unit.equals("s") || unit.equals("ms") ? "; shorter is better" : "; longer is better"),
                    new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
            chart.setBackgroundPaint(Color.WHITE);
            CategoryPlot plot = chart.getCategoryPlot();
            plot.setBackgroundPaint(new Color(0xF4F5F7));
            plot.setRangeGridlinePaint(new Color(0xC9CED6));
            plot.getRangeAxis().setUpperMargin(0.12); // room for the value labels
            BarRenderer bars = (BarRenderer) plot.getRenderer();
            bars.setBarPainter(new StandardBarPainter());
            bars.setShadowVisible(false);
            bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
            bars.setDefaultItemLabelsVisible(true);
            Color[] palette = {new Color(0x0B5CD5), new Color(0x8A5300), new Color(0x1D6B2F), new Color(0x7B2FBF), new Color(0xB3261E), new Color(0x00838F)};
            for (int i = 0; i < data.getRowCount(); i++) bars.setSeriesPaint(i, palette[i % palette.length]);
            int height = 160 + 70 * data.getColumnCount() + 18 * data.getRowCount();
            File png = out.resolve(g.getKey() + ".png").toFile();
            ChartUtils.saveChartAsPNG(png, chart, 900, height);
            System.out.println("chart: " + png);
        }
    }

    /** Which chart a metric goes in (file name). */
    static String chartOf(String metric) {
        if (metric.startsWith("append")) return "append";
        if (metric.startsWith("initialize latency")) return "initialize-latency";
        if (metric.startsWith("initialize")) return "initialize";
        if (metric.startsWith("delivery")) return "delivery";
        return "processing";
    }

    static String title(String chart) {
        return switch (chart) {
            case "append" -> "Durable appends vs peers (sequential unless said)";
            case "initialize-latency" -> "initialize at 64 concurrent: latency percentiles";
            case "initialize" -> "initialize at 64 concurrent: throughput by credential";
            case "delivery" -> "Delivery: concurrent ranged reads of a 1 GiB original";
            default -> "Processing time vs the same work done directly";
        };
    }
}
