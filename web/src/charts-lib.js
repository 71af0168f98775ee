// The parts of ECharts the app uses (tree-shaken build; see charts.js).
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, HeatmapChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import langFR from 'echarts/lib/i18n/langFR.js';

echarts.use([
  BarChart, LineChart, PieChart, HeatmapChart,
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent,
  TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer,
]);
echarts.registerLocale('FR', langFR);

export { echarts };
