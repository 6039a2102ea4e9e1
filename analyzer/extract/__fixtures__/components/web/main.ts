/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (vue).
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
